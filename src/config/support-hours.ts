/** The helpdesk's business hours (`SUPPORT_HOURS`), which the support SLA clock counts in. */
export interface SupportHours {
  /** Business days, 0 = Sunday … 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing time, minutes after local midnight. */
  start: number;
  end: number;
  /** Days the helpdesk is closed (`SUPPORT_HOLIDAYS`), as local dates `YYYY-MM-DD` in the support time zone. */
  holidays?: readonly string[];
}

export const DEFAULT_SUPPORT_HOURS = 'Mon-Fri 09:00-17:00';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Parses `Mon-Fri 09:00-17:00` (a day range or comma list such as
 * `Mon,Wed,Fri` or `Sun-Thu`, then opening and closing times); null when it
 * cannot be read.
 */
export function parseSupportHours(raw: string): SupportHours | null {
  const m = /^\s*([A-Za-z,-]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(raw);
  if (!m) return null;
  const days = new Set<number>();
  for (const part of m[1].toLowerCase().split(',')) {
    const [from, to, ...rest] = part.split('-');
    if (rest.length) return null;
    const a = DAY_NAMES.indexOf(from);
    const b = to === undefined ? a : DAY_NAMES.indexOf(to);
    if (a < 0 || b < 0) return null;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  const start = Number(m[2]) * 60 + Number(m[3]);
  const end = Number(m[4]) * 60 + Number(m[5]);
  if (Number(m[3]) > 59 || Number(m[5]) > 59 || end > 24 * 60 || start >= end) return null;
  return { days: [...days].sort((a, b) => a - b), start, end };
}

/**
 * Parses `SUPPORT_HOLIDAYS`: a comma list of ISO dates (`2026-12-25,2027-01-01`),
 * each a real calendar day; duplicates are kept once and the list sorted. Empty
 * means none. Null when a part is not such a date.
 */
export function parseSupportHolidays(raw: string): string[] | null {
  const days = new Set<string>();
  for (const part of raw.split(',')) {
    const day = part.trim();
    if (day === '' && raw.trim() === '') continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) return null;
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (date.toISOString().slice(0, 10) !== day) return null;
    days.add(day);
  }
  return [...days].sort();
}
