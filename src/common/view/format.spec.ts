import { formatDate, formatDateTime } from './format';

describe('date formatting', () => {
  it('formats each instant by its own UTC day and minute, however often it is asked', () => {
    const lastOfDay = Date.parse('2026-11-26T23:59:59.999Z');
    for (let i = 0; i < 2; i++) {
      expect(formatDate(lastOfDay)).toBe('26 Nov 2026');
      expect(formatDate(lastOfDay + 1)).toBe('27 Nov 2026');
      expect(formatDateTime(lastOfDay)).toBe('26 Nov 2026, 23:59 UTC');
      expect(formatDateTime(lastOfDay + 1)).toBe('27 Nov 2026, 00:00 UTC');
    }
    expect(formatDate(Date.parse('1969-12-31T12:00:00Z'))).toBe('31 Dec 1969');
    expect(formatDate(new Date('2026-01-05T00:00:00Z'))).toBe('5 Jan 2026');
  });

  it('gives the empty string for what is not a date', () => {
    expect(formatDate('not a date')).toBe('');
    expect(formatDateTime(null)).toBe('');
  });

  it('keeps answering correctly past its memory', () => {
    const day = 86_400_000;
    const start = Date.parse('2000-01-01T00:00:00Z');
    for (let i = 0; i < 2500; i++) formatDate(start + i * day);
    expect(formatDate(start + 2499 * day)).toBe(formatDate(new Date(start + 2499 * day).toISOString()));
    expect(formatDate(start)).toBe('1 Jan 2000');
  });

  it('formats in the reader’s time zone, naming it, with the day as it is there', () => {
    const late = Date.parse('2026-11-26T23:30:00Z');
    expect(formatDateTime(late, 'Europe/Berlin')).toBe('27 Nov 2026, 00:30 CET');
    expect(formatDate(late, 'Europe/Berlin')).toBe('27 Nov 2026');
    expect(formatDate(late, 'Asia/Kolkata')).toBe('27 Nov 2026');
    expect(formatDateTime(late, 'Asia/Kolkata')).toBe('27 Nov 2026, 05:00 GMT+5:30');
    expect(formatDate(late, 'America/New_York')).toBe('26 Nov 2026');
    // Summer time is the zone's own business.
    expect(formatDateTime(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe('1 Jul 2026, 14:00 CEST');
    // An unknown zone is UTC, never an error on a page.
    expect(formatDateTime(late, 'Nowhere/Else')).toBe('26 Nov 2026, 23:30 UTC');
  });
});
