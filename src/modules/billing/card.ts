/**
 * A payment card as typed into the form, checked without a network: the
 * number's check digit (Luhn), its brand from the leading digits, the expiry
 * (MM/YY, the card is good through the last day of that month, UTC) and the
 * security code's length. Pure: the time is passed in. Nothing here keeps or
 * prints the number.
 */

export type CardBrand =
  'Visa' | 'Mastercard' | 'American Express' | 'Discover' | 'JCB' | 'Diners Club' | 'UnionPay' | 'Maestro';

export const CARD_BRANDS: readonly CardBrand[] = [
  'Visa',
  'Mastercard',
  'American Express',
  'Discover',
  'JCB',
  'Diners Club',
  'UnionPay',
  'Maestro',
];

interface BrandRule {
  brand: CardBrand;
  /** Inclusive ranges of the leading digits, each bound with as many digits as it is long. */
  prefixes: readonly (readonly [string, string])[];
  lengths: readonly number[];
}

const range = (from: number, to: number) => [String(from), String(to)] as const;
const one = (prefix: string) => [prefix, prefix] as const;
const lengths = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Checked in order: the first whose prefix matches names the brand.
const RULES: readonly BrandRule[] = [
  { brand: 'American Express', prefixes: [one('34'), one('37')], lengths: [15] },
  {
    brand: 'Diners Club',
    prefixes: [range(300, 305), one('3095'), one('36'), one('38'), one('39')],
    lengths: lengths(14, 19),
  },
  { brand: 'JCB', prefixes: [range(3528, 3589)], lengths: lengths(16, 19) },
  { brand: 'Visa', prefixes: [one('4')], lengths: [13, 16, 19] },
  {
    brand: 'Maestro',
    prefixes: ['5018', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763'].map(one),
    lengths: lengths(12, 19),
  },
  { brand: 'Mastercard', prefixes: [range(51, 55), range(2221, 2720)], lengths: [16] },
  { brand: 'Discover', prefixes: [one('6011'), range(644, 649), one('65')], lengths: lengths(16, 19) },
  { brand: 'UnionPay', prefixes: [one('62'), one('81')], lengths: lengths(16, 19) },
];

/** The digits of a typed number: spaces and dashes between groups are allowed, nothing else. */
export function cardDigits(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(digits) ? digits : null;
}

/** The Luhn (mod 10) check of a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The brand the leading digits name (whatever the length), or null. */
export function brandOf(digits: string): CardBrand | null {
  for (const rule of RULES) {
    for (const [from, to] of rule.prefixes) {
      const head = digits.slice(0, from.length);
      if (head.length === from.length && head >= from && head <= to) return rule.brand;
    }
  }
  return null;
}

function lengthFits(brand: CardBrand, digits: string): boolean {
  return RULES.some((rule) => rule.brand === brand && rule.lengths.includes(digits.length));
}

export interface CardExpiry {
  month: number;
  /** Four digits. */
  year: number;
}

/** `MM/YY` (or `M/YY`, `MM/YYYY`, spaces around the slash) as a month and a four-digit year, or null. */
export function parseExpiry(typed: string): CardExpiry | null {
  const found = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(typed);
  if (!found) return null;
  const month = Number(found[1]);
  const year = found[2].length === 2 ? 2000 + Number(found[2]) : Number(found[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** The first moment the card no longer works: the start of the month after its expiry month, UTC (ms). */
export function expiryEnd(expiry: CardExpiry): number {
  // Date.UTC rolls month 12 over into January of the next year.
  return Date.UTC(expiry.year, expiry.month, 1);
}

/** Whether the card has expired at `now` (ms). */
export function isExpired(expiry: CardExpiry, now: number): boolean {
  return now >= expiryEnd(expiry);
}

/** A card expires "soon" when it stops working within this many days. */
export const EXPIRING_SOON_DAYS = 60;

export function isExpiringSoon(expiry: CardExpiry, now: number): boolean {
  const end = expiryEnd(expiry);
  return now < end && end - now <= EXPIRING_SOON_DAYS * 24 * 3600 * 1000;
}

/** The security code's length for the brand: four digits on American Express, three on others. */
export function cvcLength(brand: CardBrand): number {
  return brand === 'American Express' ? 4 : 3;
}

export interface CheckedCard {
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type CardField = 'cardNumber' | 'expiry' | 'cvc';

/**
 * The card's stored facts, or a message per refused field. The messages
 * never repeat what was typed.
 */
export function checkCard(
  input: { cardNumber: string; expiry: string; cvc: string },
  now: number,
): { card: CheckedCard } | { errors: Partial<Record<CardField, string>> } {
  const errors: Partial<Record<CardField, string>> = {};
  const digits = cardDigits(input.cardNumber);
  let brand: CardBrand | null = null;
  if (digits === null) {
    errors.cardNumber = 'Enter the card number: 12 to 19 digits, as printed on the card.';
  } else if (!luhnValid(digits)) {
    errors.cardNumber = 'This card number is not valid. Check it against the card.';
  } else {
    brand = brandOf(digits);
    if (brand === null) {
      errors.cardNumber = `We accept ${CARD_BRANDS.slice(0, -1).join(', ')} and ${CARD_BRANDS[CARD_BRANDS.length - 1]} cards.`;
    } else if (!lengthFits(brand, digits)) {
      errors.cardNumber = `A ${brand} card number does not have this many digits. Check it against the card.`;
    }
  }
  const expiry = parseExpiry(input.expiry);
  if (expiry === null) errors.expiry = 'Enter the expiry date as on the card, MM/YY.';
  else if (isExpired(expiry, now)) errors.expiry = 'This card has expired. Use a card that is still valid.';
  const cvc = input.cvc.trim();
  const wanted = brand ? cvcLength(brand) : null;
  if (!/^\d{3,4}$/.test(cvc) || (wanted !== null && cvc.length !== wanted)) {
    errors.cvc =
      wanted === 4
        ? 'Enter the 4-digit security code on the front of the card.'
        : wanted === 3
          ? 'Enter the 3-digit security code on the back of the card.'
          : 'Enter the security code: 3 digits on the back of the card (4 on the front of an American Express card).';
  }
  if (Object.keys(errors).length > 0 || digits === null || brand === null || expiry === null) return { errors };
  return { card: { brand, last4: digits.slice(-4), expMonth: expiry.month, expYear: expiry.year } };
}
