import {
  brandOf,
  cardDigits,
  checkCard,
  expiryEnd,
  isExpired,
  isExpiringSoon,
  luhnValid,
  parseExpiry,
  type CardBrand,
} from './card';

/** `body` with the Luhn check digit appended. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

const NOW = Date.UTC(2026, 10, 26, 10, 0, 0); // 26 November 2026
const check = (cardNumber: string, expiry = '12/30', cvc = '123') => checkCard({ cardNumber, expiry, cvc }, NOW);

describe('payment cards', () => {
  it('checks the Luhn digit', () => {
    for (const valid of [
      '4242424242424242',
      '4000056655665556',
      '5555555555554444',
      '378282246310005',
      '79927398713',
    ]) {
      expect([valid, luhnValid(valid)]).toEqual([valid, true]);
    }
    for (const invalid of ['4242424242424241', '4000056655665557', '79927398710', '12a4']) {
      expect([invalid, luhnValid(invalid)]).toEqual([invalid, false]);
    }
  });

  it('reads digits typed with spaces or dashes, 12 to 19 of them, and nothing else', () => {
    expect(cardDigits('4000 0566 5566 5556')).toBe('4000056655665556');
    expect(cardDigits('4000-0566-5566-5556')).toBe('4000056655665556');
    expect(cardDigits('4000 0566 5566 555O')).toBeNull();
    expect(cardDigits('12345678901')).toBeNull();
    expect(cardDigits('12345678901234567890')).toBeNull();
  });

  it('tells the brand from the leading digits', () => {
    const cases: [string, CardBrand][] = [
      ['4242424242424242', 'Visa'],
      ['4000056655665556', 'Visa'],
      ['5555555555554444', 'Mastercard'],
      ['5105105105105100', 'Mastercard'],
      // Mastercard's 2-series: 2221 to 2720.
      ['2223003122003222', 'Mastercard'],
      [withCheckDigit('222100000000000'), 'Mastercard'],
      [withCheckDigit('272099999999999'), 'Mastercard'],
      ['378282246310005', 'American Express'],
      ['371449635398431', 'American Express'],
      ['6011111111111117', 'Discover'],
      [withCheckDigit('644000000000000'), 'Discover'],
      [withCheckDigit('650000000000000'), 'Discover'],
      ['3566002020360505', 'JCB'],
      [withCheckDigit('352800000000000'), 'JCB'],
      ['3056930009020004', 'Diners Club'],
      ['36227206271667', 'Diners Club'],
      ['6200000000000005', 'UnionPay'],
      [withCheckDigit('675964982643845'), 'Maestro'],
      [withCheckDigit('50180000000'), 'Maestro'],
    ];
    for (const [digits, brand] of cases) {
      expect([digits, brandOf(digits)]).toEqual([digits, brand]);
      const checked = check(digits, '12/30', brand === 'American Express' ? '1234' : '123');
      expect([digits, 'card' in checked ? checked.card.brand : checked.errors]).toEqual([digits, brand]);
    }
    // Just outside the 2-series, and numbers no brand here issues.
    expect(brandOf(withCheckDigit('222000000000000'))).toBeNull();
    expect(brandOf(withCheckDigit('272100000000000'))).toBeNull();
    expect(brandOf(withCheckDigit('100000000000000'))).toBeNull();
    expect(brandOf(withCheckDigit('990000000000000'))).toBeNull();
  });

  it('keeps only brand, last four and expiry, and never repeats the number in a message', () => {
    expect(check('4000 0566 5566 5556', '3/31')).toEqual({
      card: { brand: 'Visa', last4: '5556', expMonth: 3, expYear: 2031 },
    });
    const refused = [
      check('4000 0566 5566 5557'),
      check('9000 0566 5566 5556'),
      check('4000 0566 5566 5556', '10/26'),
      check('4000 0566 5566 5556', '12/30', '12'),
    ];
    for (const result of refused) {
      expect('errors' in result).toBe(true);
      expect(JSON.stringify(result)).not.toMatch(/0566|5556|5557/);
    }
  });

  it('refuses a bad number, an unknown brand, a wrong length for the brand', () => {
    expect(check('4242 4242 4242 4241')).toEqual({ errors: { cardNumber: expect.stringContaining('not valid') } });
    expect(check(withCheckDigit('990000000000000'))).toEqual({
      errors: { cardNumber: expect.stringContaining('We accept Visa') },
    });
    // A 17-digit Visa passes Luhn and the prefix but is no Visa length.
    expect(check(withCheckDigit('4000000000000000'))).toEqual({
      errors: { cardNumber: expect.stringContaining('A Visa card number') },
    });
    expect(check('')).toEqual({ errors: expect.objectContaining({ cardNumber: expect.any(String) }) });
  });

  it('wants 3 digits of security code, 4 on American Express', () => {
    expect('card' in check('4242424242424242', '12/30', '123')).toBe(true);
    expect(check('4242424242424242', '12/30', '1234')).toEqual({ errors: { cvc: expect.stringContaining('3-digit') } });
    expect('card' in check('378282246310005', '12/30', '1234')).toBe(true);
    expect(check('378282246310005', '12/30', '123')).toEqual({ errors: { cvc: expect.stringContaining('4-digit') } });
    expect(check('4242424242424242', '12/30', 'abc')).toEqual({ errors: { cvc: expect.any(String) } });
  });

  it('reads MM/YY and MM/YYYY expiries, and refuses others', () => {
    expect(parseExpiry('12/30')).toEqual({ month: 12, year: 2030 });
    expect(parseExpiry('1/27')).toEqual({ month: 1, year: 2027 });
    expect(parseExpiry(' 03 / 2031 ')).toEqual({ month: 3, year: 2031 });
    for (const bad of ['13/30', '00/30', '12-30', '1230', '12/3', 'ab/cd', '']) expect(parseExpiry(bad)).toBeNull();
  });

  it('is good through the last moment of its expiry month, UTC', () => {
    const nov26 = { month: 11, year: 2026 };
    expect(isExpired(nov26, Date.UTC(2026, 10, 30, 23, 59, 59, 999))).toBe(false);
    expect(isExpired(nov26, Date.UTC(2026, 11, 1))).toBe(true);
    // December rolls over into January of the next year.
    const dec26 = { month: 12, year: 2026 };
    expect(expiryEnd(dec26)).toBe(Date.UTC(2027, 0, 1));
    expect(isExpired(dec26, Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe(false);
    expect(isExpired(dec26, Date.UTC(2027, 0, 1))).toBe(true);
  });

  it('counts 29 days in February of a leap year, 28 otherwise', () => {
    const feb28 = { month: 2, year: 2028 };
    expect(isExpired(feb28, Date.UTC(2028, 1, 29, 12))).toBe(false);
    expect(isExpired(feb28, Date.UTC(2028, 2, 1))).toBe(true);
    const feb27 = { month: 2, year: 2027 };
    expect(expiryEnd(feb27) - Date.UTC(2027, 1, 1)).toBe(28 * 86400_000);
    expect(expiryEnd(feb28) - Date.UTC(2028, 1, 1)).toBe(29 * 86400_000);
    // 2100 is no leap year, 2000 was.
    expect(expiryEnd({ month: 2, year: 2100 }) - Date.UTC(2100, 1, 1)).toBe(28 * 86400_000);
    expect(expiryEnd({ month: 2, year: 2000 }) - Date.UTC(2000, 1, 1)).toBe(29 * 86400_000);
  });

  it('flags a card that stops working within 60 days as expiring soon', () => {
    // 12/26 ends on 1 January 2027: 36 days after NOW.
    expect(isExpiringSoon({ month: 12, year: 2026 }, NOW)).toBe(true);
    // 01/27 ends on 1 February 2027: 67 days.
    expect(isExpiringSoon({ month: 1, year: 2027 }, NOW)).toBe(false);
    expect(isExpiringSoon({ month: 1, year: 2027 }, Date.UTC(2026, 11, 3))).toBe(true);
    // An expired card is expired, not expiring.
    expect(isExpiringSoon({ month: 10, year: 2026 }, NOW)).toBe(false);
  });
});
