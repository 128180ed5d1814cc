// The arithmetic of quotes: calendar months in UTC, days, proration and tax,
// all in integer minor units. Products of prices and days can pass 2^53, so
// rounding divisions go through BigInt (half up, away from zero).

const DAY = 86_400_000;

/** Whole UTC days since the epoch of an instant. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY);

/** The last millisecond of the UTC day before the one `ms` falls in. */
export const endOfPreviousDay = (ms: number): number => utcDay(ms) * DAY - 1;

/**
 * `ms` moved by whole calendar months (negative: back), keeping the time of
 * day; a day past the end of the target month becomes its last day
 * (31 January + 1 month = 28 or 29 February), and the last day of a month
 * stays the last day (28 February 2027 + 1 month = 31 March), so a term
 * that ends at a month's end moves back and forth by whole months.
 */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const atMonthEnd = d.getUTCDate() === new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    atMonthEnd ? lastDay : Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** round(value × numerator ÷ denominator), half away from zero, exactly. */
export function scale(value: number, numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(numerator) || !(denominator > 0)) {
    throw new RangeError('scale() takes safe integers and a positive denominator');
  }
  const product = BigInt(value) * BigInt(numerator);
  const d = BigInt(denominator);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude * 2n + d) / (2n * d);
  return Number(negative ? -rounded : rounded);
}

/** The tax on `subtotal` at `rateBp` basis points (1900 = 19 %), rounded half up. */
export const taxOn = (subtotal: number, rateBp: number): number => scale(subtotal, rateBp, 10_000);

/**
 * The current term of a license ending at `expiresAt` on a plan of
 * `termMonths`, and how much of it is left on the day `now` falls in:
 * `days` from the day after the previous term ended to the expiry day,
 * `remaining` from today to the expiry day (today counts: a change made
 * on the first day of a term pays for the whole term).
 */
export function termLeft(expiresAt: number, termMonths: number, now: number): { days: number; remaining: number } {
  const days = Math.max(1, utcDay(expiresAt) - utcDay(addMonths(expiresAt, -termMonths)));
  const remaining = Math.min(days, Math.max(0, utcDay(expiresAt) - utcDay(now) + 1));
  return { days, remaining };
}
