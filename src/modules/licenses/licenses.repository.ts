import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { placeholders, Sql } from '../../platform/database/sql';

export const LICENSE_STATUSES = ['active', 'grace', 'expired', 'suspended', 'cancelled'] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

export interface LicenseRow {
  id: string;
  organizationId: string;
  productId: string;
  planId: string;
  keyHint: string;
  seats: number;
  seatsUsed: number;
  startsAt: number;
  expiresAt: number;
  autoRenew: boolean;
  status: LicenseStatus;
  statusChangedAt: number;
  createdAt: number;
}

export interface NewLicenseRow extends Omit<LicenseRow, 'seatsUsed' | 'statusChangedAt'> {
  keyDigest: string;
  keySealed: string;
}

export interface LicenseEventRow {
  id: number;
  at: number;
  kind: string;
  fromStatus: LicenseStatus | null;
  toStatus: LicenseStatus | null;
  actorLabel: string | null;
  details: string | null;
}

export interface LicenseListFilter {
  organizationId?: string;
  status?: LicenseStatus;
  /** The term ends in [from, before) (ms): with a status, a range of the (status, expires_at) index. */
  expires?: { from: number; before: number };
}

const LICENSE = `select l.id, l.organization_id as organizationId, l.product_id as productId, l.plan_id as planId,
  l.key_hint as keyHint, l.seats, l.seats_used as seatsUsed, l.starts_at as startsAt, l.expires_at as expiresAt,
  l.auto_renew as autoRenew, l.status, l.status_changed_at as statusChangedAt, l.created_at as createdAt
  from licenses l`;

type StoredLicense = Omit<LicenseRow, 'autoRenew'> & { autoRenew: number };
const license = (row: StoredLicense | undefined): LicenseRow | undefined =>
  row && { ...row, autoRenew: row.autoRenew === 1 };

/** Seats sold and used over the licenses in use (also run by bench/floor.ts). */
export const SEAT_TOTALS_SQL = `select sum(seats) as sold, sum(seats_used) as used from licenses
  where status in ('active', 'grace')`;
/** Active licenses whose term ends in [?, ?) (also run by bench/floor.ts). */
export const EXPIRING_COUNT_SQL = `select count(*) as n from licenses
  where status = 'active' and expires_at >= ? and expires_at < ?`;

/** The list's SQL: by expiry (soonest first), then id; keyset. */
export function licenseListQuery(filter: LicenseListFilter, request: PageRequest) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.organizationId) {
    where.push('l.organization_id = ?');
    params.push(filter.organizationId);
  }
  if (filter.status) {
    where.push('l.status = ?');
    params.push(filter.status);
  }
  if (filter.expires) {
    where.push('l.expires_at >= ? and l.expires_at < ?');
    params.push(filter.expires.from, filter.expires.before);
  }
  const keyset = keysetClause(request, 'l.expires_at', 'l.id');
  if (keyset.where) {
    where.push(keyset.where);
    params.push(...keyset.params);
  }
  return {
    sql: `${LICENSE} ${where.length ? `where ${where.join(' and ')}` : ''} order by ${keyset.orderBy} limit ?`,
    params: [...params, request.limit + 1],
  };
}

/**
 * The licenses module's tables (licenses, license_events): plain rows
 * through `Sql`, in the caller's transaction. Status changes and seat
 * counts are single conditional statements: the row changes only from the
 * states that allow it, so two racing requests cannot both succeed.
 */
@Injectable()
export class LicensesRepository {
  constructor(private readonly sql: Sql) {}

  async insert(row: NewLicenseRow): Promise<void> {
    await this.sql.run(
      `insert into licenses (id, organization_id, product_id, plan_id, key_digest, key_sealed, key_hint, seats,
         seats_used, starts_at, expires_at, auto_renew, status, status_changed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.organizationId,
        row.productId,
        row.planId,
        row.keyDigest,
        row.keySealed,
        row.keyHint,
        row.seats,
        row.startsAt,
        row.expiresAt,
        row.autoRenew ? 1 : 0,
        row.status,
        row.createdAt,
        row.createdAt,
        row.createdAt,
      ],
    );
  }

  async byId(id: string): Promise<LicenseRow | undefined> {
    return license(await this.sql.get<StoredLicense>(`${LICENSE} where l.id = ?`, [id]));
  }

  async byKeyDigest(digest: string): Promise<LicenseRow | undefined> {
    return license(await this.sql.get<StoredLicense>(`${LICENSE} where l.key_digest = ?`, [digest]));
  }

  async list(filter: LicenseListFilter, request: PageRequest): Promise<LicenseRow[]> {
    const { sql, params } = licenseListQuery(filter, request);
    return (await this.sql.all<StoredLicense>(sql, params)).map((row) => license(row)!);
  }

  /**
   * Seats sold and taken over the licenses in use (active or in grace): a sum
   * over the licenses the status index finds, fine at tens of thousands of
   * licenses; never a count of devices (seats_used is kept with each seat).
   */
  async seatTotals(): Promise<{ sold: number; used: number }> {
    const row = await this.sql.get<{ sold: number | null; used: number | null }>(SEAT_TOTALS_SQL);
    return { sold: row?.sold ?? 0, used: row?.used ?? 0 };
  }

  /** Active licenses whose term ends in [from, to): a range of the (status, expires_at) index. */
  async countExpiring(from: number, to: number): Promise<number> {
    const row = await this.sql.get<{ n: number }>(EXPIRING_COUNT_SQL, [from, to]);
    return row?.n ?? 0;
  }

  async sealedKey(id: string): Promise<string | undefined> {
    return (await this.sql.get<{ sealed: string }>('select key_sealed as sealed from licenses where id = ?', [id]))
      ?.sealed;
  }

  /** Moves the license to `to` when it is in one of `from`. 1 or 0 rows. */
  async transition(id: string, from: readonly LicenseStatus[], to: LicenseStatus, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set status = ?, status_changed_at = ?, updated_at = ?
        where id = ? and status in (${placeholders(from.length)})`,
      [to, now, now, id, ...from],
    );
    return result.changes;
  }

  /**
   * A new expiry, later than the current one, for a license that is not
   * suspended or cancelled; it becomes (or stays) active. 1 or 0 rows.
   */
  async extend(id: string, expiresAt: number, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set expires_at = ?, status = 'active',
              status_changed_at = case when status = 'active' then status_changed_at else ? end, updated_at = ?
        where id = ? and status in ('active', 'grace', 'expired') and expires_at < ?`,
      [expiresAt, now, now, id, expiresAt],
    );
    return result.changes;
  }

  /**
   * New plan, seats and expiry for a license still on `from` (an order placed
   * on a quote of it) and usable or lapsed (not suspended or cancelled); it
   * becomes (or stays) active. 1 or 0 rows.
   */
  async applyTerms(
    id: string,
    from: { planId: string; seats: number; expiresAt: number },
    to: { planId: string; seats: number; expiresAt: number },
    now: number,
  ): Promise<number> {
    const result = await this.sql.run(
      `update licenses set plan_id = ?, seats = ?, expires_at = ?, status = 'active',
              status_changed_at = case when status = 'active' then status_changed_at else ? end, updated_at = ?
        where id = ? and plan_id = ? and seats = ? and expires_at = ? and status in ('active', 'grace', 'expired')
          and seats_used <= ?`,
      [to.planId, to.seats, to.expiresAt, now, now, id, from.planId, from.seats, from.expiresAt, to.seats],
    );
    return result.changes;
  }

  async setAutoRenew(id: string, on: boolean, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set auto_renew = ?, updated_at = ? where id = ? and auto_renew <> ?`,
      [on ? 1 : 0, now, id, on ? 1 : 0],
    );
    return result.changes;
  }

  async replaceKey(id: string, key: { digest: string; sealed: string; hint: string }, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set key_digest = ?, key_sealed = ?, key_hint = ?, updated_at = ? where id = ?`,
      [key.digest, key.sealed, key.hint, now, id],
    );
    return result.changes;
  }

  async addEvent(licenseId: string, event: Omit<LicenseEventRow, 'id'>): Promise<void> {
    await this.sql.run(
      `insert into license_events (license_id, at, kind, from_status, to_status, actor_label, details)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [licenseId, event.at, event.kind, event.fromStatus, event.toStatus, event.actorLabel, event.details],
    );
  }

  /** The newest events first. */
  events(licenseId: string, limit = 50): Promise<LicenseEventRow[]> {
    return this.sql.all<LicenseEventRow>(
      `select id, at, kind, from_status as fromStatus, to_status as toStatus, actor_label as actorLabel, details
         from license_events where license_id = ? order by id desc limit ?`,
      [licenseId, limit],
    );
  }

  /**
   * Licenses in `status` whose expiry is at or before `cutoff` (the lapse
   * job), a batch at a time after `after` ([expires_at, id]), optionally
   * only those with auto-renew on.
   */
  async dueFor(
    status: LicenseStatus,
    cutoff: number,
    limit: number,
    options: { autoRenew?: boolean; after?: [number, string] } = {},
  ): Promise<LicenseRow[]> {
    const after = options.after;
    const rows = await this.sql.all<StoredLicense>(
      `${LICENSE} where l.status = ? and l.expires_at <= ?
         ${options.autoRenew ? 'and l.auto_renew = 1' : ''}
         ${after ? 'and l.expires_at >= ? and (l.expires_at > ? or (l.expires_at = ? and l.id > ?))' : ''}
       order by l.expires_at, l.id limit ?`,
      [status, cutoff, ...(after ? [after[0], after[0], after[0], after[1]] : []), limit],
    );
    return rows.map((row) => license(row)!);
  }

  /**
   * Takes one seat of a license that can be used (active or in grace): the
   * one statement that keeps a license from ever having more devices than
   * seats, however many activations race for the last one. 1 or 0 rows.
   */
  async takeSeat(id: string, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set seats_used = seats_used + 1, updated_at = ?
        where id = ? and seats_used < seats and status in ('active', 'grace')`,
      [now, id],
    );
    return result.changes;
  }

  /** Gives a seat back (a device removed or moved away). */
  async releaseSeat(id: string, now: number): Promise<number> {
    const result = await this.sql.run(
      `update licenses set seats_used = seats_used - 1, updated_at = ? where id = ? and seats_used > 0`,
      [now, id],
    );
    return result.changes;
  }
}
