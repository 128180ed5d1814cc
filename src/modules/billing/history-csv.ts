import { stringify } from 'csv-stringify';
import { pipeline, Readable } from 'node:stream';

/** One column of an export: its header and the cell it takes from a row. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, for spreadsheets that guess the encoding otherwise (default false). */
  bom?: boolean;
}

/**
 * Rows as a CSV file, streamed: a header row, then one record per row,
 * CRLF between records (RFC 4180), a cell quoted when it holds a comma, a
 * quote or a line break. Rows are pulled only as the reader takes the text,
 * so an export of many rows never sits in memory whole.
 *
 * Against formula injection, a text cell starting with `=`, `+`, `-`, `@`, a
 * tab or a carriage return (or their full-width forms) gets a leading `'`,
 * so a spreadsheet shows it as text instead of running it; a cell whose value
 * is a number stays a number, negative ones included.
 *
 * An error from the rows (or from a column's `value`) ends the stream with
 * that error; destroying the stream stops pulling rows.
 */
export function csvOf<T>(
  columns: readonly CsvColumn<T>[],
  rows: AsyncIterable<T> | Iterable<T>,
  options: CsvOptions = {},
): Readable {
  const csv = stringify({
    header: true,
    columns: columns.map((column, index) => ({ key: String(index), header: column.header })),
    record_delimiter: 'windows',
    // With a record delimiter given, csv-stringify would otherwise quote only cells holding CRLF, not a bare LF or CR.
    quote_record_delimiter: true,
    escape_formulas: true,
    bom: options.bom ?? false,
  });
  const records = Readable.from(recordsOf(columns, rows), { objectMode: true });
  // pipeline passes an error from either side to the other; the reader sees it on `csv`.
  pipeline(records, csv, () => undefined);
  return csv;
}

async function* recordsOf<T>(
  columns: readonly CsvColumn<T>[],
  rows: AsyncIterable<T> | Iterable<T>,
): AsyncGenerator<Record<string, string | number>> {
  for await (const row of rows) {
    const record: Record<string, string | number> = {};
    columns.forEach((column, index) => {
      record[String(index)] = column.value(row);
    });
    yield record;
  }
}
