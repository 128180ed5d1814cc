import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';

// CSV downloads (RFC 4180), safe to open in a spreadsheet: one encoding for
// every export (the audit log, the people list).

export type CsvValue = string | number | null | undefined;

// A spreadsheet runs a cell starting with one of these as a formula (CSV
// injection); a leading apostrophe makes it text.
const FORMULA_START = /^[=+\-@\t\r\n]/;
// RFC 4180 quotes a comma, a quote and a line break; a spreadsheet set to
// split on a semicolon (many locales) or a tab would otherwise start a new
// cell there, one that could begin with `=`.
const NEEDS_QUOTES = /[",;\t\r\n]/;

/** Whether a spreadsheet would run this text as a formula if it began a cell. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

// Text that could be a formula gets a leading apostrophe; numbers stay numbers (negative ones too).
const defused = (value: CsvValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
};

/** Records as RFC 4180 text (csv-stringify): CRLF after each, fields defused, quoted when needed. */
export function csvRecords(records: CsvValue[][]): string {
  return stringify(
    records.map((values) => values.map(defused)),
    { record_delimiter: 'windows', quoted_match: NEEDS_QUOTES },
  );
}

/** One record, CRLF-terminated as RFC 4180 says. */
export function csvRecord(values: CsvValue[]): string {
  return csvRecords([values]);
}

/** One RFC 4180 field: text that could be a formula is defused, then quoted when needed. */
export function csvField(value: CsvValue): string {
  return csvRecord([value]).slice(0, -2);
}

/** Turns rows of one kind into CSV text: the header record, then the rows' records. */
export interface CsvEncoder<T> {
  header(): string;
  rows(rows: T[]): string;
}

/** An encoder from a list of columns. */
export function csvColumns<T>(columns: { header: string; value: (row: T) => CsvValue }[]): CsvEncoder<T> {
  return {
    header: () => csvRecord(columns.map((column) => column.header)),
    rows: (rows) => csvRecords(rows.map((row) => columns.map((column) => column.value(row)))),
  };
}

/** `<prefix>-20261126.csv` for the given day (UTC). */
export function datedCsvFilename(prefix: string, now: Date): string {
  return `${prefix}-${now.toISOString().slice(0, 10).replace(/-/g, '')}.csv`;
}

/**
 * Streams batches to the response as they are read, waiting whenever the
 * client is slower than the database, and stopping if it goes away.
 */
export async function streamCsv<T>(
  res: Response,
  filename: string,
  encoder: CsvEncoder<T>,
  batches: AsyncIterable<T[]>,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.write(encoder.header());
  try {
    for await (const rows of batches) {
      if (res.destroyed) return;
      if (!res.write(encoder.rows(rows))) await drained(res);
    }
  } catch (err) {
    // The status is long sent: cut the download short rather than end it as if complete.
    res.destroy();
    throw err;
  }
  res.end();
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
