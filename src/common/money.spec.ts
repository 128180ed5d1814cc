import { amountText, formatMoney, parseAmount } from './money';

describe('money', () => {
  it('reads amounts as text into minor units, with at most the currency decimals', () => {
    expect(parseAmount('29.99', 'EUR')).toBe(2999);
    expect(parseAmount('29,9', 'EUR')).toBe(2990);
    expect(parseAmount('30', 'USD')).toBe(3000);
    expect(parseAmount('0.07', 'EUR')).toBe(7);
    expect(parseAmount('1200', 'JPY')).toBe(1200);
    expect(parseAmount('12.5', 'JPY')).toBeNull();
    expect(parseAmount('1.999', 'EUR')).toBeNull();
    expect(parseAmount('-1', 'EUR')).toBeNull();
    expect(parseAmount('1e3', 'EUR')).toBeNull();
    expect(parseAmount('10', 'XXX')).toBeNull();
  });

  it('shows minor units back without floating point', () => {
    expect(amountText(2999, 'EUR')).toBe('29.99');
    expect(amountText(7, 'EUR')).toBe('0.07');
    expect(amountText(1200, 'JPY')).toBe('1200');
    expect(formatMoney(122999, 'EUR')).toBe('EUR 1,229.99');
    expect(formatMoney(123456789012, 'USD')).toBe('USD 1,234,567,890.12');
    expect(formatMoney(1200, 'JPY')).toBe('JPY 1,200');
  });
});
