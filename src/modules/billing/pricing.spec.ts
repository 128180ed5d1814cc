import { addMonths, endOfPreviousDay, scale, taxOn, termLeft } from './pricing';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('pricing', () => {
  it('adds calendar months, clamping to the end of shorter months', () => {
    expect(iso(addMonths(at('2027-01-31T23:59:59.999Z'), 1))).toBe('2027-02-28T23:59:59.999Z');
    expect(iso(addMonths(at('2028-01-31T23:59:59.999Z'), 1))).toBe('2028-02-29T23:59:59.999Z');
    expect(iso(addMonths(at('2028-02-29T23:59:59.999Z'), 12))).toBe('2029-02-28T23:59:59.999Z');
    expect(iso(addMonths(at('2027-02-28T23:59:59.999Z'), 12))).toBe('2028-02-29T23:59:59.999Z');
    expect(iso(addMonths(at('2027-02-28T23:59:59.999Z'), 1))).toBe('2027-03-31T23:59:59.999Z');
    expect(iso(addMonths(at('2027-04-30T12:00:00.000Z'), -2))).toBe('2027-02-28T12:00:00.000Z');
    expect(iso(addMonths(at('2026-12-15T10:00:00.000Z'), 1))).toBe('2027-01-15T10:00:00.000Z');
    expect(iso(addMonths(at('2027-03-31T23:59:59.999Z'), -1))).toBe('2027-02-28T23:59:59.999Z');
    expect(iso(addMonths(at('2027-01-15T00:00:00.000Z'), -13))).toBe('2025-12-15T00:00:00.000Z');
  });

  it('ends the previous day at its last millisecond', () => {
    expect(iso(endOfPreviousDay(at('2027-03-01T08:30:00Z')))).toBe('2027-02-28T23:59:59.999Z');
  });

  it('scales exactly, rounding half away from zero, beyond 2^53 in between', () => {
    expect(scale(1000, 1, 3)).toBe(333);
    expect(scale(1000, 2, 3)).toBe(667);
    expect(scale(5, 1, 2)).toBe(3);
    expect(scale(-5, 1, 2)).toBe(-3);
    expect(scale(999_999_999, 100_000, 100_000)).toBe(999_999_999);
    expect(scale(9_000_000_000_000, 365, 366)).toBe(8_975_409_836_066);
    expect(() => scale(1.5, 1, 2)).toThrow(RangeError);
  });

  it('computes tax from basis points, rounding half up', () => {
    expect(taxOn(10_000, 1900)).toBe(1900);
    expect(taxOn(1_999, 1900)).toBe(380); // 379.81
    expect(taxOn(5, 1000)).toBe(1); // 0.5 rounds up
  });

  it('counts a yearly term and what is left of it to the day, in leap and common years', () => {
    const end2027 = at('2027-12-31T23:59:59.999Z');
    expect(termLeft(end2027, 12, at('2027-01-01T09:00:00Z'))).toEqual({ days: 365, remaining: 365 });
    expect(termLeft(end2027, 12, at('2027-12-31T09:00:00Z'))).toEqual({ days: 365, remaining: 1 });
    expect(termLeft(end2027, 12, at('2028-01-01T09:00:00Z'))).toEqual({ days: 365, remaining: 0 });
    const end2028 = at('2028-12-31T23:59:59.999Z');
    expect(termLeft(end2028, 12, at('2028-07-01T00:00:00Z'))).toEqual({ days: 366, remaining: 184 });
    // A monthly term ending on the last day of February.
    expect(termLeft(at('2028-02-29T23:59:59.999Z'), 1, at('2028-02-15T12:00:00Z'))).toEqual({
      days: 29,
      remaining: 15,
    });
    expect(termLeft(at('2027-02-28T23:59:59.999Z'), 1, at('2027-02-01T12:00:00Z'))).toEqual({
      days: 28,
      remaining: 28,
    });
  });
});
