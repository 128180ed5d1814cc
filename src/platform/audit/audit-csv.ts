import type { Response } from 'express';
import type { AuditExportRow } from './audit.repository';

export type CsvValue = string | number | null | undefined;

// A spreadsheet runs a cell starting with one of these as a formula (CSV
// injection); a leading apostrophe makes it text.
const FORMULA_START = /^[=+\-@\t\r\n]/;
// RFC 4180 quotes a comma, a quote and a line break; a spreadsheet set to
// split on a semicolon (many locales) or a tab would otherwise start a new
// cell there, one that could begin with `=`.
const NEEDS_QUOTES = /[",;\t\r\n]/;

/** One RFC 4180 field: text that could be a formula is defused, then quoted when needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export function csvRecord(values: CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

const COLUMNS: { header: string; value: (row: AuditExportRow) => CsvValue; operatorOnly?: boolean }[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'time', value: (r) => new Date(r.at).toISOString() },
  { header: 'actor_type', value: (r) => r.actorType },
  { header: 'actor_id', value: (r) => r.actorId },
  { header: 'actor', value: (r) => r.actorLabel },
  { header: 'action', value: (r) => r.action },
  { header: 'target_type', value: (r) => r.targetType },
  { header: 'target_id', value: (r) => r.targetId },
  { header: 'target', value: (r) => r.targetLabel },
  { header: 'organization_id', value: (r) => r.organizationId, operatorOnly: true },
  { header: 'organization', value: (r) => r.organizationName, operatorOnly: true },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'ip', value: (r) => r.ip },
  { header: 'user_agent', value: (r) => r.userAgent },
  { header: 'details', value: (r) => r.details },
];

/** Encodes audit rows; org admins' exports leave out the organization columns (always their own). */
export class AuditCsvEncoder {
  private readonly columns: typeof COLUMNS;

  constructor(withOrganization: boolean) {
    this.columns = COLUMNS.filter((column) => withOrganization || !column.operatorOnly);
  }

  header(): string {
    return csvRecord(this.columns.map((column) => column.header));
  }

  rows(rows: AuditExportRow[]): string {
    let out = '';
    for (const row of rows) out += csvRecord(this.columns.map((column) => column.value(row)));
    return out;
  }
}

/** `audit-20261126.csv` for the given day (UTC). */
export function csvFilename(now: Date): string {
  return `audit-${now.toISOString().slice(0, 10).replace(/-/g, '')}.csv`;
}

/**
 * Streams batches to the response as they are read, waiting whenever the
 * client is slower than the database, and stopping if it goes away.
 */
export async function streamCsv(
  res: Response,
  filename: string,
  encoder: AuditCsvEncoder,
  batches: AsyncIterable<AuditExportRow[]>,
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
