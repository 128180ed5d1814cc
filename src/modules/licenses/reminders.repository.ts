import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { placeholders, rowChunks, Sql } from '../../platform/database/sql';
import type { LicenseStatus } from './licenses.repository';

/** A reminder stage as the selection sees it: its name, kind and time relative to the expiry (ms). */
export interface StageSpec {
  stage: string;
  kind: 'expiry' | 'grace';
  offsetMs: number;
}

/** A license with at least one reminder stage due and not in the ledger for its term. */
export interface DueLicenseRow {
  id: string;
  organizationId: string;
  productId: string;
  keyHint: string;
  seats: number;
  expiresAt: number;
  autoRenew: boolean;
  status: LicenseStatus;
  /** The due, unsent stages' names, comma-separated, in no order. */
  due: string;
}

export interface LedgerRow {
  licenseId: string;
  termExpiresAt: number;
  stage: string;
  outcome: 'sent' | 'skipped';
  recipients: number;
}

export interface ReminderEventRow {
  licenseId: string;
  kind: string;
  details: string;
}

/** A license of the /admin/renewals lists. */
export interface RenewalRow {
  id: string;
  organizationId: string;
  productId: string;
  keyHint: string;
  seats: number;
  expiresAt: number;
  autoRenew: boolean;
  status: LicenseStatus;
  snoozedUntil: number | null;
  /** The stages already in the ledger for the current term, comma-separated (null: none). */
  sent: string | null;
}

type Stored<T extends { autoRenew: boolean }> = Omit<T, 'autoRenew'> & { autoRenew: number };

const INSERT_CHUNK = 200;

/**
 * The renewal reminders' queries: the due selection over the licenses'
 * (status, expires_at) index, the ledger (license_reminders, one row per
 * license, term and stage, written with `on conflict do nothing`), reminder
 * history lines, snoozes (licenses.reminders_snoozed_until) and the people
 * who opted out of reminder mail (reminder_opt_outs). Never opens a
 * transaction: the service's holds.
 */
@Injectable()
export class RemindersRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * A keyset page (by expiry, then id) of licenses in `status` expiring at or
   * before `upTo`, not snoozed at `now`, with at least one stage due at `now`
   * (grace stages only in grace) that the ledger does not hold for the
   * license's current term.
   */
  async due(
    stages: readonly StageSpec[],
    status: 'active' | 'grace',
    now: number,
    upTo: number,
    after: [number, string] | null,
    limit: number,
  ): Promise<DueLicenseRow[]> {
    if (stages.length === 0) return [];
    const dueStage = `l.expires_at + s.offset_ms <= ? and (s.kind = 'expiry' or l.status = 'grace')
        and not exists (select 1 from license_reminders r
          where r.license_id = l.id and r.term_expires_at = l.expires_at and r.stage = s.stage)`;
    const keyset = after ? 'and l.expires_at >= ? and (l.expires_at > ? or (l.expires_at = ? and l.id > ?))' : '';
    const rows = await this.sql.all<Stored<DueLicenseRow>>(
      `with stages (stage, kind, offset_ms) as (values ${stages.map(() => '(?, ?, ?)').join(', ')})
       select l.id, l.organization_id as organizationId, l.product_id as productId, l.key_hint as keyHint, l.seats,
              l.expires_at as expiresAt, l.auto_renew as autoRenew, l.status,
              (select group_concat(s.stage) from stages s where ${dueStage}) as due
         from licenses l
        where l.status = ? and l.expires_at <= ? ${keyset}
          and (l.reminders_snoozed_until is null or l.reminders_snoozed_until <= ?)
          and exists (select 1 from stages s where ${dueStage})
        order by l.expires_at, l.id
        limit ?`,
      [
        ...stages.flatMap((s) => [s.stage, s.kind, s.offsetMs]),
        now,
        status,
        upTo,
        ...(after ? [after[0], after[0], after[0], after[1]] : []),
        now,
        now,
        limit,
      ],
    );
    return rows.map((row) => ({ ...row, autoRenew: row.autoRenew === 1 }));
  }

  /**
   * Writes ledger rows, a chunk per statement; a row already there (another
   * run wrote it) is left alone. Returns the rows this call wrote, as
   * `<license id> <stage>`.
   */
  async record(rows: readonly LedgerRow[], now: number): Promise<Set<string>> {
    const written = new Set<string>();
    for (const chunk of rowChunks(rows, INSERT_CHUNK)) {
      const inserted = await this.sql.all<{ licenseId: string; stage: string }>(
        `insert into license_reminders (license_id, term_expires_at, stage, sent_at, outcome, recipients)
         values ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict do nothing
         returning license_id as licenseId, stage`,
        chunk.flatMap((row) => [row.licenseId, row.termExpiresAt, row.stage, now, row.outcome, row.recipients]),
      );
      for (const row of inserted) written.add(`${row.licenseId} ${row.stage}`);
    }
    return written;
  }

  /** History lines (license_events), a chunk per statement. */
  async addEvents(rows: readonly ReminderEventRow[], at: number, actorLabel: string): Promise<void> {
    for (const chunk of rowChunks(rows, INSERT_CHUNK)) {
      await this.sql.run(
        `insert into license_events (license_id, at, kind, from_status, to_status, actor_label, details)
         values ${chunk.map(() => '(?, ?, ?, null, null, ?, ?)').join(', ')}`,
        chunk.flatMap((row) => [row.licenseId, at, row.kind, actorLabel, row.details]),
      );
    }
  }

  /** Of these people, those who opted out of reminder mail. */
  async optedOut(personIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const chunk of rowChunks(personIds, 500)) {
      const rows = await this.sql.all<{ personId: string }>(
        `select person_id as personId from reminder_opt_outs where person_id in (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) out.add(row.personId);
    }
    return out;
  }

  /** Opts a person out of reminder mail (on: false) or back in; 1 when it changed, else 0. */
  async setOptOut(personId: string, optedOut: boolean, now: number): Promise<number> {
    const result = optedOut
      ? await this.sql.run('insert into reminder_opt_outs (person_id, at) values (?, ?) on conflict do nothing', [
          personId,
          now,
        ])
      : await this.sql.run('delete from reminder_opt_outs where person_id = ?', [personId]);
    return result.changes;
  }

  /** Until when a license's reminders are snoozed (null: not snoozed, or the snooze is over at `now`). */
  async snoozedUntil(licenseId: string, now: number): Promise<number | null> {
    const row = await this.sql.get<{ until: number | null }>(
      'select reminders_snoozed_until as until from licenses where id = ?',
      [licenseId],
    );
    return row && row.until !== null && row.until > now ? row.until : null;
  }

  /** Snoozes a license's reminders until `until` (a license not cancelled); 1 or 0 rows. */
  async snooze(licenseId: string, until: number, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set reminders_snoozed_until = ?, updated_at = ? where id = ? and status <> 'cancelled'`,
      [until, now, licenseId],
    );
    return result.changes;
  }

  /** Ends a snooze still running at `now`; 1 or 0 rows. */
  async resume(licenseId: string, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set reminders_snoozed_until = null, updated_at = ?
        where id = ? and reminders_snoozed_until > ?`,
      [now, licenseId, now],
    );
    return result.changes;
  }

  /**
   * A keyset page of active licenses with auto-renew `autoRenew` expiring in
   * [from, to), by expiry then id (index licenses_status_auto_renew_expiry).
   */
  async renewing(autoRenew: boolean, from: number, to: number, request: PageRequest): Promise<RenewalRow[]> {
    const keyset = keysetClause(request, 'l.expires_at', 'l.id');
    return this.renewalRows(
      `l.status = 'active' and l.auto_renew = ? and l.expires_at >= ? and l.expires_at < ?`,
      [autoRenew ? 1 : 0, from, to],
      keyset,
      request.limit,
    );
  }

  /**
   * A keyset page of the licenses in use (active or in grace) expiring in
   * [from, to), by expiry then id (index licenses_in_use_expiry), with the
   * stages the ledger holds for their current term.
   */
  async inUse(from: number, to: number, request: PageRequest): Promise<RenewalRow[]> {
    const keyset = keysetClause(request, 'l.expires_at', 'l.id');
    // The partial index is in the list's order; left to itself, SQLite reads both statuses' ranges of
    // licenses_status_expiry and sorts the whole window for every page (SQLite's syntax: this repository's own).
    return this.renewalRows(
      `l.status in ('active', 'grace') and l.expires_at >= ? and l.expires_at < ?`,
      [from, to],
      keyset,
      request.limit,
      'indexed by licenses_in_use_expiry',
    );
  }

  private async renewalRows(
    where: string,
    params: unknown[],
    keyset: ReturnType<typeof keysetClause>,
    limit: number,
    index = '',
  ): Promise<RenewalRow[]> {
    const rows = await this.sql.all<Stored<RenewalRow>>(
      `select l.id, l.organization_id as organizationId, l.product_id as productId, l.key_hint as keyHint, l.seats,
              l.expires_at as expiresAt, l.auto_renew as autoRenew, l.status,
              l.reminders_snoozed_until as snoozedUntil,
              (select group_concat(r.stage) from license_reminders r
                where r.license_id = l.id and r.term_expires_at = l.expires_at) as sent
         from licenses l ${index}
        where ${where} ${keyset.where ? `and ${keyset.where}` : ''}
        order by ${keyset.orderBy}
        limit ?`,
      [...params, ...keyset.params, limit + 1],
    );
    return rows.map((row) => ({ ...row, autoRenew: row.autoRenew === 1 }));
  }
}
