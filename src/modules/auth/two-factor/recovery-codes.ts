import { createHmac, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32: 32 symbols (5 bits each, so no modulo bias), no I, L,
// O or U to misread. Ten symbols give 50 random bits per code.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;

/** One code as shown to the person: `xxxxx-xxxxx`. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(LENGTH);
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[bytes[i] & 31];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newRecoveryCode());
  return [...codes];
}

/**
 * The code as typed, in its canonical form, or null when it cannot be one:
 * case, spaces and the hyphen do not matter, and the letters people mix up
 * with digits (O, I, L) are read as Crockford reads them.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const clean = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (clean.length !== LENGTH) return null;
  for (const char of clean) if (!ALPHABET.includes(char)) return null;
  return clean;
}

/**
 * What is stored: an HMAC-SHA-256 under a key derived from APP_SECRET, so a
 * copy of the database alone is no list of codes to try offline.
 */
export function recoveryCodeDigest(key: Buffer, normalized: string): string {
  return createHmac('sha256', key).update(normalized).digest('hex');
}
