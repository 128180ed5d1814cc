// Keyset pagination: pages are addressed by the sort key of the
// row they start after (?after=) or end before (?before=), never by OFFSET.

import { CONTROL_CHARACTER } from './http/text-rules';

export const PAGE_SIZE = 25;

export type Cursor = (string | number)[];

export function encodeCursor(values: Cursor): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

// What a sort key can be: a finite number, or a string of at most 1000
// characters without control characters (the ORM writes values into the SQL
// text, where a NUL would end it and Infinity is not a number).
const isCursorValue = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) ||
  (typeof value === 'string' && value.length <= 1000 && !CONTROL_CHARACTER.test(value));

/** A cursor the client sent, or null when it is absent or was altered into nonsense. */
export function decodeCursor(raw: unknown, arity: number): Cursor | null {
  if (typeof raw !== 'string' || raw === '' || raw.length > 1000) return null;
  try {
    const values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(values) || values.length !== arity) return null;
    return values.every(isCursorValue) ? (values as Cursor) : null;
  } catch {
    return null;
  }
}

export interface PageRequest {
  after: Cursor | null;
  before: Cursor | null;
  limit: number;
}

export function pageRequest(
  query: { after?: unknown; before?: unknown },
  arity: number,
  limit = PAGE_SIZE,
): PageRequest {
  const after = decodeCursor(query.after, arity);
  return { after, before: after ? null : decodeCursor(query.before, arity), limit };
}

export interface Page<T> {
  rows: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * Rows were fetched with limit + 1 in the direction of travel (reversed for
 * ?before=); trims the probe row and works out both neighbours.
 */
export function toPage<T>(fetched: T[], request: PageRequest, keyOf: (row: T) => Cursor): Page<T> {
  const backwards = request.before !== null;
  const hasMore = fetched.length > request.limit;
  const rows = fetched.slice(0, request.limit);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasNext = backwards ? true : hasMore;
  const hasPrev = backwards ? hasMore : request.after !== null;
  return {
    rows,
    nextCursor: hasNext && last ? encodeCursor(keyOf(last)) : null,
    prevCursor: hasPrev && first ? encodeCursor(keyOf(first)) : null,
  };
}

/** Links for the pagination partial, keeping the other query parameters. */
export function pageLinks(base: string, params: Record<string, string | undefined>, page: Page<unknown>) {
  const href = (key: 'after' | 'before', cursor: string) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
    search.set(key, cursor);
    return `${base}?${search.toString()}`;
  };
  return {
    nextHref: page.nextCursor ? href('after', page.nextCursor) : undefined,
    prevHref: page.prevCursor ? href('before', page.prevCursor) : undefined,
  };
}

/** Escapes LIKE wildcards so a search for "50%" means the characters. */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Escapes LIKE wildcards and matches values that start with `term`. */
export function likeStartsWith(term: string): string {
  return `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The WHERE fragment, parameters and direction that fetch one keyset page
 * ordered by `column, idColumn`, ascending or descending (the query asks for
 * `limit + 1` rows). `column` may be an expression such as
 * `coalesce(p.last_sign_in_at, 0)`; an index on the same expression answers it.
 */
export function keysetClause(
  request: PageRequest,
  column: string,
  idColumn: string,
  direction: 'asc' | 'desc' = 'asc',
) {
  const cursor = request.after ?? request.before;
  const backwards = request.before !== null;
  // Walking forwards through a descending list is walking backwards through an ascending one.
  const descending = backwards !== (direction === 'desc');
  const op = descending ? '<' : '>';
  const order = descending ? 'desc' : 'asc';
  return {
    // The lone bound on the sort column (`column >= ?`) lets SQLite seek its
    // index to the cursor: it cannot start an index walk at the "or", and
    // without it a page far into a list reads every entry before it.
    where: cursor ? `${column} ${op}= ? and (${column} ${op} ? or (${column} = ? and ${idColumn} ${op} ?))` : null,
    params: cursor ? [cursor[0], cursor[0], cursor[0], cursor[1]] : [],
    orderBy: `${column} ${order}, ${idColumn} ${order}`,
  };
}

/**
 * Every row of a keyset-paged list, a batch at a time (CSV exports):
 * `fetch` answers one page request (limit + 1 rows, as the lists do),
 * `keyOf` gives the cursor of a row.
 */
export async function* allPages<T>(
  fetch: (request: PageRequest) => Promise<T[]>,
  keyOf: (row: T) => Cursor,
  batch = 500,
): AsyncGenerator<T[]> {
  let after: Cursor | null = null;
  for (;;) {
    const rows = await fetch({ after, before: null, limit: batch });
    const page = rows.slice(0, batch);
    if (page.length > 0) yield page;
    if (rows.length <= batch) return;
    after = keyOf(page[page.length - 1]);
  }
}
