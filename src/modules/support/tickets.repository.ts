import { Injectable } from '@nestjs/common';
import { keysetClause, type PageRequest } from '../../common/pagination';
import { Sql } from '../../platform/database/sql';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const LEVELS = ['low', 'normal', 'high'] as const;
export type Level = (typeof LEVELS)[number];
export const CATEGORIES = ['sign-in', 'two-factor', 'installing', 'licenses', 'devices', 'billing', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface TicketRow {
  id: string;
  organizationId: string;
  requesterId: string;
  subject: string;
  category: Category;
  urgency: Level;
  impact: Level;
  priority: number;
  status: TicketStatus;
  assigneeId: string | null;
  deviceId: string | null;
  licenseId: string | null;
  createdAt: number;
  lastActivityAt: number;
  statusChangedAt: number;
  resolvedAt: number | null;
  pendingRemindedAt: number | null;
  /** The first public agent reply (the SLA's first response). */
  firstResponseAt: number | null;
  /** The ticket this (closed) duplicate was merged into. */
  mergedInto: string | null;
  /** When the ticket last went pending (the SLA clock paused); null when not pending. */
  slaPausedAt: number | null;
  /** Business seconds spent pending in earlier pending periods. */
  slaPausedSeconds: number;
}

/** The SLA pause as the caller read it: when it began (null: not paused) and its business seconds until now. */
export interface PauseRead {
  since: number | null;
  seconds: number;
}

export interface TicketMessageRow {
  id: number;
  ticketId: string;
  authorId: string | null;
  authorName: string;
  fromStaff: boolean;
  internal: boolean;
  body: string;
  createdAt: number;
}

export interface TicketListFilter {
  organizationId?: string;
  requesterId?: string;
  status?: TicketStatus;
  priority?: number;
  category?: Category;
  /** A person's id, or null for unassigned. */
  assigneeId?: string | null;
  /** One of the queue's views (its own statuses and order); `mine` and `waiting` need `assigneeId`. */
  view?: QueueView;
}

/**
 * The queue's views: `mine` (waiting on me: my new and open tickets, P1 first,
 * then the longest waiting), `unassigned` (unresolved and unowned, newest
 * first), `waiting` (my pending tickets, waiting on the customer longest
 * first). Each condition is repeated word for word from its partial index
 * (Migration20261208000300_support_saved_searches; the status a last column since
 * Migration20261208000500_support_queue_speed, so the counts read only the index), so SQLite walks it.
 */
export const QUEUE_VIEWS = ['mine', 'unassigned', 'waiting'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
const PRIORITY_FIRST = '(t.priority * 10000000000000 + t.last_activity_at)';
const VIEW_SQL: Record<QueueView, { where: string; column: string; direction: 'asc' | 'desc' }> = {
  mine: { where: "t.status in ('new', 'open')", column: PRIORITY_FIRST, direction: 'asc' },
  unassigned: {
    where: "t.status in ('new', 'open', 'pending') and t.assignee_id is null",
    column: 't.created_at',
    direction: 'desc',
  },
  waiting: { where: "t.status = 'pending'", column: 't.status_changed_at', direction: 'asc' },
};

/** The cursor of a row in a list of `view` (or of the whole queue). */
export function queueKey(view?: QueueView): (row: TicketRow) => [number, string] {
  switch (view) {
    case 'mine':
      return (row) => [row.priority * 10_000_000_000_000 + row.lastActivityAt, row.id];
    case 'unassigned':
      return (row) => [row.createdAt, row.id];
    case 'waiting':
      return (row) => [row.statusChangedAt, row.id];
    case undefined:
      return (row) => [row.lastActivityAt, row.id];
  }
}

/** How many tickets a view's count goes up to ("1000+" beyond): counting stays bounded. */
export const VIEW_COUNT_CAP = 1000;
/** A view's count as shown: "1000+" beyond the cap. */
export const viewCountText = (count: number) => (count > VIEW_COUNT_CAP ? `${VIEW_COUNT_CAP}+` : String(count));

/** The views' counts for `personId` in one statement: each walks its partial index, up to the cap. */
export function viewCountsQuery(personId: string) {
  const capped = (view: QueueView, assigned: boolean) =>
    `(select count(*) from (select 1 from tickets t where ${VIEW_SQL[view].where}${
      assigned ? ' and t.assignee_id = ?' : ''
    } limit ${VIEW_COUNT_CAP + 1}))`;
  return {
    sql: `select ${capped('mine', true)} as mine, ${capped('unassigned', false)} as unassigned,
         ${capped('waiting', true)} as waiting`,
    params: [personId, personId],
  };
}

const TICKET = `select t.id, t.organization_id as organizationId, t.requester_id as requesterId, t.subject, t.category,
  t.urgency, t.impact, t.priority, t.status, t.assignee_id as assigneeId, t.device_id as deviceId,
  t.license_id as licenseId, t.created_at as createdAt, t.last_activity_at as lastActivityAt,
  t.status_changed_at as statusChangedAt, t.resolved_at as resolvedAt, t.pending_reminded_at as pendingRemindedAt,
  t.first_response_at as firstResponseAt, t.merged_into as mergedInto, t.sla_paused_at as slaPausedAt,
  t.sla_paused_seconds as slaPausedSeconds
  from tickets t`;
export const RETURNING = `returning id, organization_id as organizationId, requester_id as requesterId, subject,
  category, urgency, impact, priority, status, assignee_id as assigneeId, device_id as deviceId,
  license_id as licenseId, created_at as createdAt, last_activity_at as lastActivityAt,
  status_changed_at as statusChangedAt, resolved_at as resolvedAt, pending_reminded_at as pendingRemindedAt,
  first_response_at as firstResponseAt, merged_into as mergedInto, sla_paused_at as slaPausedAt,
  sla_paused_seconds as slaPausedSeconds`;

type StoredMessage = Omit<TicketMessageRow, 'fromStaff' | 'internal'> & { fromStaff: number; internal: number };
const message = (row: StoredMessage): TicketMessageRow => ({
  ...row,
  fromStaff: row.fromStaff === 1,
  internal: row.internal === 1,
});

/** The row's SLA pause is still the one the caller read (a portable null-safe comparison). */
const PAUSE_IS = '(sla_paused_at = ? or (sla_paused_at is null and ? is null))';
export const pauseIs = (pause: PauseRead) => [pause.since, pause.since];

/**
 * The list's SQL: newest activity first, keyset on (last_activity_at, id); each filter has its index.
 * A view brings its own condition and order (and index).
 */
export function ticketListQuery(filter: TicketListFilter, request: PageRequest) {
  const view = filter.view ? VIEW_SQL[filter.view] : undefined;
  const where: string[] = view ? [view.where] : [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (filter.organizationId) add('t.organization_id = ?', filter.organizationId);
  if (filter.requesterId) add('t.requester_id = ?', filter.requesterId);
  if (filter.status) add('t.status = ?', filter.status);
  if (filter.priority) add('t.priority = ?', filter.priority);
  if (filter.category) add('t.category = ?', filter.category);
  if (filter.assigneeId === null) where.push('t.assignee_id is null');
  else if (filter.assigneeId) add('t.assignee_id = ?', filter.assigneeId);
  const keyset = view
    ? keysetClause(request, view.column, 't.id', view.direction)
    : keysetClause(request, 't.last_activity_at', 't.id', 'desc');
  if (keyset.where) {
    where.push(keyset.where);
    params.push(...keyset.params);
  }
  return {
    sql: `${TICKET} ${where.length ? `where ${where.join(' and ')}` : ''} order by ${keyset.orderBy} limit ?`,
    params: [...params, request.limit + 1],
  };
}

/**
 * The support module's tables (tickets, ticket_messages): plain rows through
 * `Sql`, in the caller's transaction. Every status change is one conditional
 * statement: it happens only from the statuses that allow it.
 */
@Injectable()
export class TicketsRepository {
  constructor(private readonly sql: Sql) {}

  async insert(row: TicketRow): Promise<void> {
    await this.sql.run(
      `insert into tickets (id, organization_id, requester_id, subject, category, urgency, impact, priority, status,
         assignee_id, device_id, license_id, created_at, last_activity_at, status_changed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.organizationId,
        row.requesterId,
        row.subject,
        row.category,
        row.urgency,
        row.impact,
        row.priority,
        row.status,
        row.assigneeId,
        row.deviceId,
        row.licenseId,
        row.createdAt,
        row.lastActivityAt,
        row.statusChangedAt,
      ],
    );
  }

  byId(id: string): Promise<TicketRow | undefined> {
    return this.sql.get<TicketRow>(`${TICKET} where t.id = ?`, [id]);
  }

  list(filter: TicketListFilter, request: PageRequest): Promise<TicketRow[]> {
    const { sql, params } = ticketListQuery(filter, request);
    return this.sql.all<TicketRow>(sql, params);
  }

  /** The tickets of `ids` that exist (a bulk update's, at most a page). */
  byIds(ids: readonly string[]): Promise<TicketRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.sql.all<TicketRow>(`${TICKET} where t.id in (${ids.map(() => '?').join(', ')})`, [...ids]);
  }

  /** How many tickets each view holds for `personId`, each counted through its partial index up to a cap. */
  async viewCounts(personId: string): Promise<Record<QueueView, number>> {
    const { sql, params } = viewCountsQuery(personId);
    return (await this.sql.get<Record<QueueView, number>>(sql, params))!;
  }

  /** Adds a message to a ticket's conversation; its id. */
  async addMessage(input: Omit<TicketMessageRow, 'id'>): Promise<number> {
    const row = await this.sql.get<{ id: number }>(
      `insert into ticket_messages (ticket_id, author_id, author_name, from_staff, internal, body, created_at)
       values (?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        input.ticketId,
        input.authorId,
        input.authorName,
        input.fromStaff ? 1 : 0,
        input.internal ? 1 : 0,
        input.body,
        input.createdAt,
      ],
    );
    return row!.id;
  }

  /** A ticket's conversation, oldest first (a merged duplicate's messages among them by time); the customer's view never selects internal notes. */
  async messages(ticketId: string, withInternal: boolean): Promise<TicketMessageRow[]> {
    const rows = await this.sql.all<StoredMessage>(
      `select id, ticket_id as ticketId, author_id as authorId, author_name as authorName, from_staff as fromStaff,
         internal, body, created_at as createdAt
       from ticket_messages where ticket_id = ? ${withInternal ? '' : 'and internal = 0'} order by created_at, id`,
      [ticketId],
    );
    return rows.map(message);
  }

  /**
   * Moves a ticket to `to` from one of `from`; undefined when it was in none
   * of them, or its SLA pause is no longer the one read. Going pending pauses
   * the SLA clock; leaving pending adds the pause's business seconds.
   */
  setStatus(
    id: string,
    from: readonly TicketStatus[],
    to: TicketStatus,
    now: number,
    pause: PauseRead,
  ): Promise<TicketRow | undefined> {
    const resolved = to === 'solved' || to === 'closed' ? 'coalesce(resolved_at, ?)' : 'null';
    const resolvedParams = to === 'solved' || to === 'closed' ? [now] : [];
    const leaving = pause.since !== null && to !== 'pending' ? pause.seconds : 0;
    return this.sql.get<TicketRow>(
      `update tickets set status = ?, status_changed_at = ?, last_activity_at = ?, resolved_at = ${resolved},
         pending_reminded_at = null, sla_paused_seconds = sla_paused_seconds + ?,
         sla_paused_at = ${to === 'pending' ? 'coalesce(sla_paused_at, ?)' : 'null'}
       where id = ? and status in (${from.map(() => '?').join(', ')}) and ${PAUSE_IS} ${RETURNING}`,
      [to, now, now, ...resolvedParams, leaving, ...(to === 'pending' ? [now] : []), id, ...from, ...pauseIs(pause)],
    );
  }

  /** Whether a person opened a ticket that was merged into this one (they may follow it). */
  async followsMerged(ticketId: string, personId: string): Promise<boolean> {
    const row = await this.sql.get<{ one: number }>(
      'select 1 as one from tickets where merged_into = ? and requester_id = ? limit 1',
      [ticketId, personId],
    );
    return row !== undefined;
  }

  /** Reopens a solved or closed ticket resolved at or after `since` (never a merged duplicate). */
  reopen(id: string, since: number, now: number): Promise<TicketRow | undefined> {
    return this.sql.get<TicketRow>(
      `update tickets set status = 'open', status_changed_at = ?, last_activity_at = ?, resolved_at = null,
         pending_reminded_at = null
       where id = ? and status in ('solved', 'closed') and resolved_at >= ? and merged_into is null ${RETURNING}`,
      [now, now, id, since],
    );
  }

  /** Records the first public agent reply (once). */
  async markFirstResponse(id: string, at: number): Promise<void> {
    await this.sql.run('update tickets set first_response_at = ? where id = ? and first_response_at is null', [at, id]);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.sql.run('update tickets set last_activity_at = ? where id = ?', [now, id]);
  }

  assign(id: string, assigneeId: string | null, now: number): Promise<TicketRow | undefined> {
    return this.sql.get<TicketRow>(
      `update tickets set assignee_id = ?, last_activity_at = ? where id = ? and status <> 'closed' ${RETURNING}`,
      [assigneeId, now, id],
    );
  }

  setImpact(id: string, impact: Level, priority: number): Promise<TicketRow | undefined> {
    return this.sql.get<TicketRow>(`update tickets set impact = ?, priority = ? where id = ? ${RETURNING}`, [
      impact,
      priority,
      id,
    ]);
  }

  /** Solved tickets whose status last changed before `before` (a batch). */
  solvedBefore(before: number, limit: number): Promise<TicketRow[]> {
    return this.sql.all<TicketRow>(
      `${TICKET} where t.status = 'solved' and t.status_changed_at < ? order by t.status_changed_at limit ?`,
      [before, limit],
    );
  }

  /** Marks pending tickets waiting since before `before` and not yet nudged in this pending period. */
  markPendingReminded(before: number, now: number, limit: number): Promise<TicketRow[]> {
    return this.sql.all<TicketRow>(
      `update tickets set pending_reminded_at = ?
       where id in (select id from tickets where status = 'pending' and status_changed_at < ?
         and pending_reminded_at is null order by status_changed_at limit ?)
       ${RETURNING}`,
      [now, before, limit],
    );
  }
}
