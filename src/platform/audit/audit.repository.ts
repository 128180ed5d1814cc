import { Injectable } from '@nestjs/common';
import type { AuditOutcome } from './audit.types';
import { prefixUpperBound, type AuditFilter } from './audit-query';
import type { PageRequest } from '../../common/pagination';
import { Sql } from '../database/sql';

export interface AuditListRow {
  id: number;
  at: number;
  actorType: 'person' | 'system' | 'device';
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  organizationId: string | null;
  /** Filled by AuditLogService for operators' pages. */
  organizationName?: string | null;
  ip: string | null;
  outcome: AuditOutcome;
}

export interface AuditExportRow extends AuditListRow {
  userAgent: string | null;
  details: string | null;
}

export interface AuditEntryRow extends AuditExportRow {
  prevHash: string;
  hash: string;
}

export interface ActivityRow {
  id: number;
  at: number;
  actorType: 'person' | 'system' | 'device';
  actorId: string | null;
  action: string;
  ip: string | null;
  userAgent: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details: string | null;
}

/** Newest first: `after` is an older page, `before` a newer one (ids). */
export interface AuditPageRequest {
  after: number | null;
  before: number | null;
  limit: number;
}

const LIST_COLUMNS = `a.id, a.at, a.actor_type as actorType, a.actor_id as actorId, a.actor_label as actorLabel,
  a.action, a.target_type as targetType, a.target_id as targetId, a.target_label as targetLabel,
  a.organization_id as organizationId, a.ip, a.outcome`;
const EXPORT_COLUMNS = `${LIST_COLUMNS}, a.user_agent as userAgent, a.details`;

const ACTIVITY_COLUMNS = `a.id, a.at, a.actor_type as actorType, a.actor_id as actorId, a.action, a.ip,
  a.user_agent as userAgent, a.outcome, a.details`;

const EXPORT_BATCH = 1000;

/** The first entry at or after a time, and an action's entries from an id on (also run by bench/floor.ts). */
export const FIRST_ID_SINCE_SQL = 'select id from audit_entries where at >= ? order by at, id limit 1';
export const ACTION_COUNT_FROM_ID_SQL = 'select count(*) as n from audit_entries where action = ? and id >= ?';

/**
 * Read models of the audit log, fast at millions of entries: every page is a
 * keyset scan by id over an index that matches its filters; no OFFSET, no COUNT.
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly sql: Sql) {}

  /** One page (the query asks for `limit + 1` rows in the direction of travel). */
  page(filter: AuditFilter, request: AuditPageRequest): Promise<AuditListRow[]> {
    return this.fetch(filter, request, LIST_COLUMNS);
  }

  /** Every matching entry, newest first, read in keyset batches of 1,000. */
  async *export(filter: AuditFilter): AsyncGenerator<AuditExportRow[]> {
    let after: number | null = null;
    for (;;) {
      const request = { after, before: null, limit: EXPORT_BATCH - 1 };
      const rows = (await this.fetch(filter, request, EXPORT_COLUMNS)) as AuditExportRow[];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < EXPORT_BATCH) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** One entry with everything, within the organization when one is given. */
  async findById(id: number, organizationId?: string): Promise<AuditEntryRow | null> {
    const rows = await this.sql.all<AuditEntryRow>(
      `select ${EXPORT_COLUMNS}, a.prev_hash as prevHash, a.hash
         from audit_entries a
        where a.id = ? ${organizationId !== undefined ? 'and a.organization_id = ?' : ''}`,
      organizationId !== undefined ? [id, organizationId] : [id],
    );
    return rows[0] ?? null;
  }

  /**
   * The newest entries about one target, newest first: only `actions` when
   * given, never `except`. A walk down the (target_id, id) index (the `+`
   * keeps the action out of index choice), reading that target's entries only.
   */
  forTarget(
    targetId: string,
    options: { actions?: readonly string[]; except?: readonly string[]; limit: number },
  ): Promise<AuditExportRow[]> {
    const where = ['a.target_id = ?'];
    const params: unknown[] = [targetId];
    if (options.actions?.length) {
      where.push(`+a.action in (${options.actions.map(() => '?').join(', ')})`);
      params.push(...options.actions);
    }
    if (options.except?.length) {
      where.push(`+a.action not in (${options.except.map(() => '?').join(', ')})`);
      params.push(...options.except);
    }
    return this.sql.all<AuditExportRow>(
      `select ${EXPORT_COLUMNS} from audit_entries a where ${where.join(' and ')} order by a.id desc limit ?`,
      [...params, options.limit],
    );
  }

  /**
   * How many `action` entries since `since` (ms): the first id at or after
   * `since` from the (at) index, then a range of the (action, id) index.
   */
  async countSince(action: string, since: number): Promise<number> {
    const first = await this.sql.get<{ id: number }>(FIRST_ID_SINCE_SQL, [since]);
    if (!first) return 0;
    const row = await this.sql.get<{ n: number }>(ACTION_COUNT_FROM_ID_SQL, [action, first.id]);
    return row?.n ?? 0;
  }

  /** The newest `limit` entries of any of `actions`: `limit` from each action's (action, id) index, merged. */
  latestOf(actions: readonly string[], limit: number): Promise<AuditListRow[]> {
    if (actions.length === 0) return Promise.resolve([]);
    const one = `select * from (select ${LIST_COLUMNS} from audit_entries a where a.action = ? order by a.id desc limit ?)`;
    return this.sql.all<AuditListRow>(
      `select * from (${actions.map(() => one).join(' union all ')}) order by id desc limit ?`,
      [...actions.flatMap((action) => [action, limit]), limit],
    );
  }

  private async fetch(filter: AuditFilter, request: AuditPageRequest, columns: string): Promise<AuditListRow[]> {
    const bounds = await this.idBounds(filter);
    if (!bounds) return [];
    const actions =
      filter.actionPrefix !== undefined
        ? await this.distinctActions({
            from: filter.actionPrefix,
            below: prefixUpperBound(filter.actionPrefix),
            organizationId: filter.organizationId,
          })
        : [filter.action];
    if (actions.length === 0) return [];

    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    // Without statistics SQLite may pick any index that matches one equality,
    // e.g. (outcome, id) for an actor's failures, and read every failure in
    // the log. A `+` keeps a column out of index choice, so the most selective
    // filter leads: actor or target, then (organization, action) or
    // (action, outcome), then organization and outcome.
    const byActorOrTarget =
      filter.actorLabel !== undefined || filter.actorId !== undefined || filter.targetId !== undefined;
    const byAction = filter.action !== undefined || filter.actionPrefix !== undefined;
    const actionColumn = byActorOrTarget && filter.actorLabel === undefined ? '+a.action' : 'a.action';
    if (filter.organizationId !== undefined) {
      add(`${byActorOrTarget ? '+' : ''}a.organization_id = ?`, filter.organizationId);
    }
    if (filter.actorLabel !== undefined) add('a.actor_label = ?', filter.actorLabel);
    if (filter.actorId !== undefined) add('a.actor_id = ?', filter.actorId);
    if (filter.targetId !== undefined) add('a.target_id = ?', filter.targetId);
    if (filter.targetType !== undefined) add('+a.target_type = ?', filter.targetType);
    const outcomeResidual = byActorOrTarget || (byAction && filter.organizationId !== undefined);
    if (filter.outcome !== undefined) add(`${outcomeResidual ? '+' : ''}a.outcome = ?`, filter.outcome);
    // The time range is applied as an id range (below); `+` keeps SQLite from
    // choosing the (at) index, which would sort every entry in the range.
    if (filter.from !== undefined) add('+a.at >= ?', filter.from);
    if (filter.to !== undefined) add('+a.at <= ?', filter.to);
    if (bounds.low !== null) add('a.id >= ?', bounds.low);
    if (bounds.high !== null) add('a.id <= ?', bounds.high);
    const backwards = request.before !== null;
    if (request.after !== null) add('a.id < ?', request.after);
    if (request.before !== null) add('a.id > ?', request.before);
    const direction = backwards ? 'asc' : 'desc';
    const limit = request.limit + 1;

    // One index scan per action (a prefix is a handful of exact actions),
    // merged: reads at most `limit` rows per action at any table size, where
    // a range on action would sort all of them.
    const parts: string[] = [];
    const allParams: unknown[] = [];
    for (const action of actions) {
      const clauses = action !== undefined ? [...where, `${actionColumn} = ?`] : where;
      parts.push(
        `select * from (select ${columns} from audit_entries a
           ${clauses.length ? `where ${clauses.join(' and ')}` : ''}
           order by a.id ${direction} limit ?)`,
      );
      allParams.push(...params, ...(action !== undefined ? [action] : []), limit);
    }
    const inner = parts.length === 1 ? parts[0] : `${parts.join(' union all ')} order by id ${direction} limit ?`;
    if (parts.length > 1) allParams.push(limit);
    return this.sql.all<AuditListRow>(`select p.* from (${inner}) p order by p.id ${direction}`, allParams);
  }

  /**
   * Ids grow with time (one writer stamps each entry as it appends it), so a
   * time range is an id range, found in the (at) index in two lookups. Null
   * when nothing falls in the range.
   */
  private async idBounds(filter: AuditFilter): Promise<{ low: number | null; high: number | null } | null> {
    let low: number | null = null;
    let high: number | null = null;
    if (filter.from !== undefined) {
      const [row] = await this.sql.all<{ id: number }>(
        'select id from audit_entries where at >= ? order by at, id limit 1',
        [filter.from],
      );
      if (!row) return null;
      low = row.id;
    }
    if (filter.to !== undefined) {
      const [row] = await this.sql.all<{ id: number }>(
        'select id from audit_entries where at <= ? order by at desc, id desc limit 1',
        [filter.to],
      );
      if (!row) return null;
      high = row.id;
    }
    return low !== null && high !== null && low > high ? null : { low, high };
  }

  /** One keyset page of a person's own activity (see activityQuery). */
  activity(personId: string, request: PageRequest): Promise<ActivityRow[]> {
    const { sql, params } = activityQuery(personId, request);
    return this.sql.all<ActivityRow>(sql, params);
  }

  /** The actions that occur (in the organization, when given), for the filter's suggestions. */
  knownActions(organizationId?: string, limit = 200): Promise<string[]> {
    return this.distinctActions({ organizationId, limit });
  }

  /**
   * The distinct actions in `[from, below)`, one index seek each (a loose
   * index scan over (action, id), or (organization_id, action, id) within an
   * organization), however many entries there are.
   */
  private async distinctActions(range: {
    from?: string;
    below?: string;
    organizationId?: string;
    limit?: number;
  }): Promise<string[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (range.organizationId !== undefined) {
      conditions.push('organization_id = ?');
      params.push(range.organizationId);
    }
    if (range.below !== undefined) {
      conditions.push('action < ?');
      params.push(range.below);
    }
    const scope = conditions.map((condition) => ` and ${condition}`).join('');
    const rows = await this.sql.all<{ action: string }>(
      `with recursive actions(action) as (
         select min(action) from audit_entries where action >= ?${scope}
         union all
         select (select min(action) from audit_entries where action > actions.action${scope})
           from actions where actions.action is not null
         limit ?)
       select action from actions where action is not null`,
      [range.from ?? '', ...params, ...params, range.limit ?? 1000],
    );
    return rows.map((row) => row.action);
  }
}

/**
 * The entries a person acted in or was the target of, one keyset page by id
 * (newest first): two index scans, (actor_id, id) and (target_id, id), each
 * reading at most `limit + 1` rows, merged. The second leaves out what the
 * first has (the person acting on their own account).
 */
export function activityQuery(personId: string, request: PageRequest): { sql: string; params: unknown[] } {
  const backwards = request.before !== null;
  const cursor = request.after ?? request.before;
  const keyset = cursor ? `and a.id ${backwards ? '>' : '<'} ?` : '';
  const keyParams = cursor ? [cursor[0]] : [];
  const direction = backwards ? 'asc' : 'desc';
  const limit = request.limit + 1;
  return {
    sql: `select * from (
         select * from (select ${ACTIVITY_COLUMNS} from audit_entries a
           where a.actor_id = ? ${keyset} order by a.id ${direction} limit ?)
         union all
         select * from (select ${ACTIVITY_COLUMNS} from audit_entries a
           where a.target_id = ? and coalesce(a.actor_id, '') <> ? ${keyset} order by a.id ${direction} limit ?)
       ) order by id ${direction} limit ?`,
    params: [personId, ...keyParams, limit, personId, personId, ...keyParams, limit, limit],
  };
}
