import { csvColumns, datedCsvFilename, type CsvEncoder, type CsvValue } from '../../common/csv';
import type { AuditExportRow } from './audit.repository';

// The encoding itself (RFC 4180, formula defusing, streaming) is common/csv.ts.
export { csvField, csvRecord, streamCsv, type CsvValue } from '../../common/csv';

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
export class AuditCsvEncoder implements CsvEncoder<AuditExportRow> {
  private readonly encoder: CsvEncoder<AuditExportRow>;

  constructor(withOrganization: boolean) {
    this.encoder = csvColumns(COLUMNS.filter((column) => withOrganization || !column.operatorOnly));
  }

  header(): string {
    return this.encoder.header();
  }

  rows(rows: AuditExportRow[]): string {
    return this.encoder.rows(rows);
  }
}

/** `audit-20261126.csv` for the given day (UTC). */
export function csvFilename(now: Date): string {
  return datedCsvFilename('audit', now);
}
