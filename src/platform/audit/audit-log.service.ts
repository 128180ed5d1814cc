import { Injectable } from '@nestjs/common';
import { NotFound } from '../../common/errors/app-error';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import type { AuditFilter } from './audit-query';
import {
  AuditRepository,
  type ActivityRow,
  type AuditEntryRow,
  type AuditExportRow,
  type AuditListRow,
  type AuditPageRequest,
} from './audit.repository';
import { OrganizationNames } from './organization-names';

export type { AuditExportRow } from './audit.repository';

/** Reading the audit log: pages, exports and entries, with organization names for operators. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly organizations: OrganizationNames,
  ) {}

  async page(filter: AuditFilter, request: AuditPageRequest & { withOrganizationName: boolean }) {
    const rows = await this.repo.page(filter, request);
    return request.withOrganizationName ? this.named(rows) : rows;
  }

  async *export(filter: AuditFilter, withOrganizationName: boolean): AsyncGenerator<AuditExportRow[]> {
    for await (const rows of this.repo.export(filter)) yield withOrganizationName ? await this.named(rows) : rows;
  }

  /** One entry; another organization's is not found, not forbidden: its existence is not confirmed. */
  async get(id: number, organizationId?: string): Promise<AuditEntryRow> {
    const row = await this.repo.findById(id, organizationId);
    if (!row) throw new NotFound('There is no audit entry with this number.');
    return (await this.named([row]))[0];
  }

  /** What a person did and what was done to their account, newest first (their /account/activity). */
  async activity(personId: string, request: PageRequest): Promise<Page<ActivityRow>> {
    return toPage(await this.repo.activity(personId, request), request, (row) => [row.id]);
  }

  /**
   * The newest `limit` entries done to one target (a person's sign-in
   * attempts, the changes to their account), newest first: only `actions`
   * when given, never those in `except`. Reads the target's index entries only.
   */
  forTarget(
    targetId: string,
    options: { actions?: readonly string[]; except?: readonly string[]; limit: number },
  ): Promise<AuditExportRow[]> {
    return this.repo.forTarget(targetId, options);
  }

  /** How many `action` entries were recorded since `since` (lockouts today, on the operators' dashboard). */
  countSince(action: string, since: Date): Promise<number> {
    return this.repo.countSince(action, +since);
  }

  /** The newest `limit` entries of any of `actions`, newest first (the helpdesk's recent actions). */
  latestOf(actions: readonly string[], limit: number): Promise<AuditListRow[]> {
    return this.repo.latestOf(actions, limit);
  }

  knownActions(organizationId?: string): Promise<string[]> {
    return this.repo.knownActions(organizationId);
  }

  // One lookup per page for the organizations it names.
  private async named<T extends AuditListRow>(rows: T[]): Promise<(T & { organizationName: string | null })[]> {
    const ids = [...new Set(rows.map((row) => row.organizationId).filter((id): id is string => id !== null))];
    const names = ids.length ? await this.organizations.namesOf(ids) : new Map<string, string>();
    return rows.map((row) => ({
      ...row,
      organizationName: row.organizationId ? (names.get(row.organizationId) ?? null) : null,
    }));
  }
}
