import { pageRequest, type PageRequest } from '../../common/pagination';
import { AUDIT_OUTCOMES, type AuditOutcome } from './audit.types';

/** What the audit log is narrowed to; every field is optional and they combine with AND. */
export interface AuditFilter {
  actorLabel?: string;
  actorId?: string;
  action?: string;
  /** Every action starting with this (e.g. `auth.`). */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  /** Inclusive bounds on `at` (epoch ms). */
  from?: number;
  to?: number;
  /** Set from the session for org admins, never from the query string. */
  organizationId?: string;
}

export const FILTER_FIELDS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type FilterValues = Record<FilterField, string>;

export type ParsedAuditQuery =
  | { ok: true; filter: AuditFilter; values: FilterValues }
  | { ok: false; errors: Partial<Record<FilterField, string>>; values: FilterValues };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTION_STEM = /^[a-z0-9_.]+$/;
const TYPED_TARGET = /^([a-z][a-z0-9_]*):(.+)$/;
// `YYYY-MM-DD`, or a datetime-local value `YYYY-MM-DDTHH:MM[:SS[.sss]]`; always UTC.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const MAX_LENGTH = 254;

const UNIT_MS = { day: 86_400_000, minute: 60_000, second: 1000, millisecond: 1 };

/** The first string value of a query parameter, trimmed ('' when absent). */
function text(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/**
 * A date or datetime in UTC as the first millisecond of what it names, and
 * how long that is: a date is its whole day, `10:15` its whole minute.
 */
export function parseUtcDateTime(value: string): { start: number; span: number } | null {
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const num = (i: number) => (m[i] === undefined ? undefined : Number(m[i]));
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [num(4), num(5), num(6)];
  const ms = m[7] === undefined ? undefined : Number(m[7].padEnd(3, '0'));
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes any year as written.
  const date = new Date(Date.UTC(2000, 0, 1, hour ?? 0, minute ?? 0, second ?? 0, ms ?? 0));
  const start = date.setUTCFullYear(year, month - 1, day);
  // Both roll 31 February over into March: refuse it instead.
  if (
    Number.isNaN(start) ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59
  ) {
    return null;
  }
  const span =
    hour === undefined
      ? UNIT_MS.day
      : second === undefined
        ? UNIT_MS.minute
        : ms === undefined
          ? UNIT_MS.second
          : UNIT_MS.millisecond;
  return { start, span };
}

/** The exclusive upper bound of a prefix range: `auth.` → `auth/`, so `action >= 'auth.' and action < 'auth/'`. */
export function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Reads the audit log's filters from a query string. Unknown parameters
 * (`org`, …) are ignored; the organization scope is the caller's business.
 */
export function parseAuditQuery(query: Record<string, unknown>): ParsedAuditQuery {
  const values = Object.fromEntries(FILTER_FIELDS.map((field) => [field, text(query[field])])) as FilterValues;
  const errors: Partial<Record<FilterField, string>> = {};
  const filter: AuditFilter = {};

  for (const field of FILTER_FIELDS) {
    if (values[field].length > MAX_LENGTH) errors[field] = `Use at most ${MAX_LENGTH} characters.`;
  }

  const { actor, action, target, outcome, from, to } = values;
  if (actor && !errors.actor) {
    // People are recorded by their (lower-case) email; ids are UUIDs; system actors by name (`cli`, `job:…`).
    if (actor.includes('@')) filter.actorLabel = actor.toLowerCase();
    else if (UUID.test(actor)) filter.actorId = actor.toLowerCase();
    else filter.actorLabel = actor;
  }

  if (action && !errors.action) {
    const lower = action.toLowerCase();
    const isPrefix = lower.endsWith('*') || lower.endsWith('.');
    const stem = lower.endsWith('*') ? lower.slice(0, -1) : lower;
    if (!stem || !ACTION_STEM.test(stem)) {
      errors.action = 'Enter an action such as auth.login.failed, or the start of one ending in . or * (auth.).';
    } else if (isPrefix) {
      filter.actionPrefix = stem;
    } else {
      filter.action = stem;
    }
  }

  if (target && !errors.target) {
    const typed = TYPED_TARGET.exec(target);
    if (typed && !UUID.test(target)) {
      filter.targetType = typed[1];
      filter.targetId = typed[2];
    } else {
      filter.targetId = target;
    }
  }

  if (outcome) {
    const lower = outcome.toLowerCase();
    if ((AUDIT_OUTCOMES as readonly string[]).includes(lower)) filter.outcome = lower as AuditOutcome;
    else errors.outcome = 'Choose success, failure or denied.';
  }

  const dateError = 'Enter a date as YYYY-MM-DD, or a date and time as YYYY-MM-DDTHH:MM (UTC).';
  if (from && !errors.from) {
    const parsed = parseUtcDateTime(from);
    if (parsed) filter.from = parsed.start;
    else errors.from = dateError;
  }
  if (to && !errors.to) {
    const parsed = parseUtcDateTime(to);
    // Inclusive: a date means up to the end of that day.
    if (parsed) filter.to = parsed.start + parsed.span - 1;
    else errors.to = dateError;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) {
    errors.to = 'The end of the range is before its start.';
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors, values } : { ok: true, filter, values };
}

export const AUDIT_PAGE_SIZE = 50;

/** The keyset page asked for: cursors carry an entry id; anything else is the first page. */
export function auditPageRequest(query: Record<string, unknown>): {
  request: PageRequest;
  after: number | null;
  before: number | null;
} {
  const request = pageRequest(query, 1, AUDIT_PAGE_SIZE);
  const id = (cursor: PageRequest['after']) =>
    cursor && Number.isSafeInteger(cursor[0]) && (cursor[0] as number) > 0 ? (cursor[0] as number) : null;
  const after = id(request.after);
  const before = after === null ? id(request.before) : null;
  return {
    request: {
      after: after === null ? null : [after],
      before: before === null ? null : [before],
      limit: request.limit,
    },
    after,
    before,
  };
}
