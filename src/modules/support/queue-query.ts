import type { Principal } from '../../common/http/principal';
import { decodeCursor } from '../../common/pagination';
import { CATEGORIES, QUEUE_VIEWS, TICKET_STATUSES, type QueueView, type TicketListFilter } from './tickets.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The queue's views as the page names them. */
export const VIEW_LABELS: Record<QueueView, string> = {
  mine: 'Waiting on me',
  unassigned: 'Unassigned',
  waiting: 'Waiting on customer',
};

/** The queue's query string: its view, filters and page. */
export interface QueueQuery {
  view?: unknown;
  status?: unknown;
  priority?: unknown;
  category?: unknown;
  organization?: unknown;
  assignee?: unknown;
  after?: unknown;
  before?: unknown;
}

/** The filters a saved search keeps, in the order they are shown. */
export const QUEUE_PARAMS = ['view', 'status', 'priority', 'category', 'organization', 'assignee'] as const;

/**
 * The queue's view and filters from the query string; anything unknown is
 * ignored. A view brings its own statuses and assignee ("me" for `mine` and
 * `waiting`, nobody for `unassigned`), so the status and assignee filters
 * are dropped beside one. `kept` is what the page's links carry on.
 */
export function parseQueue(query: QueueQuery, user: Principal) {
  const filter: TicketListFilter = {};
  const kept: Record<string, string> = {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const view = str(query.view);
  if ((QUEUE_VIEWS as readonly string[]).includes(view)) {
    filter.view = view as QueueView;
    kept.view = view;
    if (view !== 'unassigned') filter.assigneeId = user.personId;
  }
  const status = str(query.status);
  if (!filter.view && (TICKET_STATUSES as readonly string[]).includes(status)) {
    filter.status = status as TicketListFilter['status'];
    kept.status = status;
  }
  const priority = str(query.priority);
  if (/^P[1-4]$/.test(priority)) {
    filter.priority = Number(priority.slice(1));
    kept.priority = priority;
  }
  const category = str(query.category);
  if ((CATEGORIES as readonly string[]).includes(category)) {
    filter.category = category as TicketListFilter['category'];
    kept.category = category;
  }
  const organization = str(query.organization);
  if (UUID.test(organization)) {
    filter.organizationId = organization;
    kept.organization = organization;
  }
  if (!filter.view) {
    const assignee = str(query.assignee);
    if (assignee === 'mine') filter.assigneeId = user.personId;
    else if (assignee === 'unassigned') filter.assigneeId = null;
    else if (UUID.test(assignee)) filter.assigneeId = assignee;
    if (filter.assigneeId !== undefined) kept.assignee = assignee;
  }
  return { filter, kept };
}

/** The query string of `kept` filters (plus a page's cursor), `''` for the whole queue. */
export function queueSearch(kept: Record<string, string>, page: { after?: string; before?: string } = {}): string {
  const search = new URLSearchParams();
  for (const name of QUEUE_PARAMS) if (kept[name]) search.set(name, kept[name]);
  if (page.after) search.set('after', page.after);
  else if (page.before) search.set('before', page.before);
  return search.toString();
}

/**
 * A queue address sent back by a form (the bulk bar's `back`, a saved
 * search's `query`), cleaned: only the known filters with valid values, and
 * a cursor only if it is one.
 */
export function cleanQueueSearch(raw: unknown, user: Principal, withPage: boolean): string {
  const params = new URLSearchParams(typeof raw === 'string' && raw.length <= 2000 ? raw.replace(/^\?/, '') : '');
  const query = Object.fromEntries(params) as Record<string, string>;
  const { kept } = parseQueue(query, user);
  if (!withPage) return queueSearch(kept);
  const after = decodeCursor(query.after, 2) ? query.after : undefined;
  const before = !after && decodeCursor(query.before, 2) ? query.before : undefined;
  return queueSearch(kept, { after, before });
}

export const queueHref = (search: string) => (search ? `/admin/support?${search}` : '/admin/support');
