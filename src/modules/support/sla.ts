/**
 * The support SLA: first-response and resolution targets per priority, counted
 * in business time (the helpdesk's opening hours in its time zone). Pure
 * functions: the caller passes instants (ms since the epoch), the hours and
 * the zone; daylight saving time is the zone's, through Intl.
 */

import type { SupportHours } from '../../config/support-hours';

export {
  DEFAULT_SUPPORT_HOURS,
  parseSupportHolidays,
  parseSupportHours,
  type SupportHours,
} from '../../config/support-hours';

/** A target: minutes of business time, or whole business days (each as long as one business day's hours). */
export type Target = { hours: number } | { days: number };

/** The targets per priority (P1 … P4). */
export const SLA_TARGETS: Record<number, { response: Target; resolution: Target }> = {
  1: { response: { hours: 1 }, resolution: { hours: 4 } },
  2: { response: { hours: 4 }, resolution: { days: 1 } },
  3: { response: { days: 1 }, resolution: { days: 3 } },
  4: { response: { days: 2 }, resolution: { days: 5 } },
};

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

interface Local {
  y: number;
  m: number;
  d: number;
  /** Minutes after local midnight (seconds dropped). */
  minutes: number;
}

function localOf(instant: number, zone: string): Local {
  const parts: Record<string, number> = {};
  for (const p of formatOf(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { y: parts.year, m: parts.month, d: parts.day, minutes: parts.hour * 60 + parts.minute };
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, zone: string): number {
  const l = localOf(instant, zone);
  const seconds = new Date(instant).getUTCSeconds();
  return Date.UTC(l.y, l.m - 1, l.d, 0, l.minutes, seconds) - (instant - (instant % 1000));
}

/** The instant of a local wall-clock time in the zone (a time skipped by DST moves forward). */
export function instantOf(y: number, m: number, d: number, minutes: number, zone: string): number {
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const first = wall - offsetAt(wall, zone);
  return wall - offsetAt(first, zone);
}

const weekday = (l: Local) => new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay();
const isoDay = (l: Local) => `${l.y}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`;
/** A day the helpdesk opens: one of its days and not one of its holidays. */
const isBusinessDay = (l: Local, hours: SupportHours) =>
  hours.days.includes(weekday(l)) && !(hours.holidays?.includes(isoDay(l)) ?? false);
function nextDay(l: Local): Local {
  const next = new Date(Date.UTC(l.y, l.m - 1, l.d + 1));
  return { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate(), minutes: 0 };
}

/** The instant `minutes` (whole or not) of business time after `from`; holidays count as closed. */
export function addBusinessMinutes(from: number, minutes: number, hours: SupportHours, zone: string): number {
  if (hours.days.length === 0) throw new Error('Support hours name no day.');
  let local = localOf(from, zone);
  let remaining = minutes;
  // Seconds past the minute count as part of it: from 09:00:30 the first business minute ends at 09:01:30.
  let seconds = from - instantOf(local.y, local.m, local.d, local.minutes, zone);
  for (;;) {
    if (isBusinessDay(local, hours) && local.minutes < hours.end) {
      const at = Math.max(local.minutes, hours.start);
      const open = hours.end - at;
      if (remaining <= open) {
        const inWindow = at === local.minutes ? seconds : 0;
        const whole = Math.floor(remaining);
        const part = Math.round((remaining - whole) * 60_000);
        return instantOf(local.y, local.m, local.d, at + whole, zone) + inWindow + part;
      }
      remaining -= open;
    }
    local = nextDay(local);
    seconds = 0;
  }
}

/**
 * The business time between two instants, in ms: the parts of `[from, to)`
 * inside opening hours on business days (holidays count as closed). 0 when
 * `to` is not after `from`. The days in between count their opening hours
 * whole without asking Intl, so a pause of months costs a loop over plain dates.
 */
export function businessMsBetween(from: number, to: number, hours: SupportHours, zone: string): number {
  if (to <= from || hours.days.length === 0) return 0;
  /** The part of one day's window inside [since, until). */
  const within = (day: Local, since: number, until: number) => {
    if (!isBusinessDay(day, hours)) return 0;
    const open = instantOf(day.y, day.m, day.d, hours.start, zone);
    const close = instantOf(day.y, day.m, day.d, hours.end, zone);
    return Math.max(0, Math.min(close, until) - Math.max(open, since));
  };
  const first = localOf(from, zone);
  const last = localOf(to, zone);
  if (isoDay(first) === isoDay(last)) return within(first, from, to);
  let total = within(first, from, to);
  const lastDay = isoDay(last);
  for (let day = nextDay(first); isoDay(day) !== lastDay; day = nextDay(day)) {
    if (isBusinessDay(day, hours)) total += (hours.end - hours.start) * 60_000;
  }
  return total + within(last, from, to);
}

/** The business minutes in a target under these hours. */
export function targetMinutes(target: Target, hours: SupportHours): number {
  return 'hours' in target ? target.hours * 60 : target.days * (hours.end - hours.start);
}

export interface SlaInput {
  priority: number;
  status: string;
  createdAt: number;
  firstResponseAt: number | null;
  /** When the ticket last went pending (waiting on the customer); null when it is not pending. */
  slaPausedAt?: number | null;
  /** Business seconds spent pending in earlier pending periods. */
  slaPausedSeconds?: number;
}

/**
 * The business time the SLA clock has stood still, in ms: the earlier pending
 * periods plus, while pending, the current one up to `now`.
 */
export function pausedMs(ticket: SlaInput, now: number, hours: SupportHours, zone: string): number {
  const earlier = (ticket.slaPausedSeconds ?? 0) * 1000;
  const current =
    ticket.slaPausedAt !== null && ticket.slaPausedAt !== undefined
      ? businessMsBetween(ticket.slaPausedAt, now, hours, zone)
      : 0;
  return earlier + current;
}

export interface SlaDue {
  /** When the first public reply is due; null once replied (or the ticket is solved or closed). */
  responseDue: number | null;
  /** When the ticket is due solved; null once solved or closed. */
  resolutionDue: number | null;
  /** The next of the two, what the queue shows. */
  next: { kind: 'response' | 'resolution'; at: number } | null;
  /** Pending (waiting on the customer): the clock stands still, the due times move later as it waits. */
  paused: boolean;
}

/**
 * The due times: the targets counted in business time from the ticket's
 * opening, moved later by the business time it spent pending (`now` counts
 * the pending period under way). Both clocks pause: a first response still
 * owed when the agent set the ticket pending is due later by as much.
 */
export function slaDue(ticket: SlaInput, hours: SupportHours, zone: string, now = ticket.createdAt): SlaDue {
  const target = SLA_TARGETS[ticket.priority] ?? SLA_TARGETS[4];
  const done = ticket.status === 'solved' || ticket.status === 'closed';
  const paused = pausedMs(ticket, now, hours, zone) / 60_000;
  const responseDue =
    done || ticket.firstResponseAt !== null
      ? null
      : addBusinessMinutes(ticket.createdAt, targetMinutes(target.response, hours) + paused, hours, zone);
  const resolutionDue = done
    ? null
    : addBusinessMinutes(ticket.createdAt, targetMinutes(target.resolution, hours) + paused, hours, zone);
  const next =
    responseDue !== null
      ? { kind: 'response' as const, at: responseDue }
      : resolutionDue !== null
        ? { kind: 'resolution' as const, at: resolutionDue }
        : null;
  return { responseDue, resolutionDue, next, paused: !done && ticket.status === 'pending' };
}

function span(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/** "in 2 h" or "overdue 3 h" (wall-clock time from now). */
export function dueLabel(due: number, now: number): { text: string; overdue: boolean } {
  return due >= now
    ? { text: `in ${span(due - now)}`, overdue: false }
    : { text: `overdue ${span(now - due)}`, overdue: true };
}
