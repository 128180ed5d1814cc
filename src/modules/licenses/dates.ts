import { InputRefused } from '../../common/errors/app-error';

/**
 * A `YYYY-MM-DD` date typed for an expiry, as the end of that day in UTC
 * (a license "valid until 31 March" works all of 31 March), or refused with
 * `field`'s message when no such day exists.
 */
export function endOfDay(text: string, field = 'expiresAt'): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const at = match ? Date.UTC(+match[1], +match[2] - 1, +match[3], 23, 59, 59, 999) : NaN;
  if (!match || new Date(at).toISOString().slice(0, 10) !== text) {
    throw new InputRefused({ [field]: 'Enter a real date as YYYY-MM-DD.' });
  }
  return at;
}
