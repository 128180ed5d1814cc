// Money is an integer count of the currency's minor units with the currency
// code beside it, never a float.

/** ISO 4217 codes SeatDesk prices in, with their minor-unit digits. */
export const CURRENCIES: Record<string, number> = {
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  JPY: 0,
};

export const isCurrency = (value: unknown): value is string =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCIES, value);

/**
 * "29.99" (or "29,99") in minor units of the currency (2999), or null when the
 * text is not an amount with at most the currency's decimals. No float is
 * involved: the digits are read as text.
 */
export function parseAmount(text: unknown, currency: string): number | null {
  if (typeof text !== 'string' || !isCurrency(currency)) return null;
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const digits = CURRENCIES[currency];
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** The amount as a form shows it back ("29.99"). */
export function amountText(minor: number, currency: string): string {
  const digits = CURRENCIES[currency] ?? 2;
  if (digits === 0) return String(minor);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The amount in the currency's format with its code: "EUR 1,229.99" (grouped as text, no float). */
export function formatMoney(minor: number, currency: string): string {
  const [whole, fraction] = amountText(minor, currency).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}
