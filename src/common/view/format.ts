import { isTimeZone } from '../../config/time-zone';

// Intl formatting costs microseconds a call and a list page formats dozens of
// dates on a few distinct days: remember the text per quarter hour (every
// time zone's offset is a whole number of quarter hours, so every instant of
// one quarter formats the same day) or per minute. Bounded, so it cannot grow.
function perUnit(format: Intl.DateTimeFormat, unitMs: number): (date: Date) => string {
  const texts = new Map<number, string>();
  return (date) => {
    const unit = Math.floor(+date / unitMs);
    let text = texts.get(unit);
    if (text === undefined) {
      if (texts.size >= 1000) texts.clear();
      text = format.format(date);
      texts.set(unit, text);
    }
    return text;
  };
}

interface ZoneFormats {
  day: (date: Date) => string;
  minute: (date: Date) => string;
}

const ZONES = new Map<string, ZoneFormats>();

function zone(timeZone: string): ZoneFormats {
  let formats = ZONES.get(timeZone);
  if (!formats) {
    const tz = isTimeZone(timeZone) ? timeZone : 'UTC';
    const date = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: tz });
    const dateTime = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZone: tz,
      timeZoneName: 'short',
    });
    formats = { day: perUnit(date, 900_000), minute: perUnit(dateTime, 60_000) };
    if (ZONES.size >= 500) ZONES.clear();
    ZONES.set(timeZone, formats);
  }
  return formats;
}
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(+value) ? null : value;
  if (typeof value === 'number' || typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(+date) ? null : date;
  }
  return null;
}

/** "26 Nov 2026", as the day is in `timeZone`. */
export function formatDate(value: unknown, timeZone = 'UTC'): string {
  const date = toDate(value);
  return date ? zone(timeZone).day(date) : '';
}

/** "26 Nov 2026, 14:20 UTC", "27 Nov 2026, 00:59 CET": in `timeZone`, named. */
export function formatDateTime(value: unknown, timeZone = 'UTC'): string {
  const date = toDate(value);
  return date ? zone(timeZone).minute(date) : '';
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "3 hours ago", "in 12 days" */
export function relativeTime(value: unknown, now: Date = new Date()): string {
  const date = toDate(value);
  if (!date) return '';
  const seconds = Math.round((+date - +now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}
