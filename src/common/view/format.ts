const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: 'UTC',
});
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

// Intl formatting costs microseconds a call and a list page formats dozens of
// dates on a few distinct days: remember the text per day (or minute). UTC, so
// every instant of one unit formats the same; bounded, so it cannot grow.
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
const formatDay = perUnit(DATE, 86_400_000);
const formatMinute = perUnit(DATE_TIME, 60_000);

export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(+value) ? null : value;
  if (typeof value === 'number' || typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(+date) ? null : date;
  }
  return null;
}

/** "26 Nov 2026" */
export function formatDate(value: unknown): string {
  const date = toDate(value);
  return date ? formatDay(date) : '';
}

/** "26 Nov 2026, 14:20 UTC" */
export function formatDateTime(value: unknown): string {
  const date = toDate(value);
  return date ? `${formatMinute(date)} UTC` : '';
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
