import { randomBytes } from 'node:crypto';
import { newRecoveryCode, newRecoveryCodes, normalizeRecoveryCode, recoveryCodeDigest } from './recovery-codes';

describe('recovery codes', () => {
  it('are ten distinct xxxxx-xxxxx codes from the 32-symbol alphabet', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('use every symbol (no bias towards a few)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) for (const c of newRecoveryCode().replace('-', '')) seen.add(c);
    expect(seen.size).toBe(32);
  });

  it('read the way people type them', () => {
    const code = 'ab1cd-0ef2g';
    const canonical = normalizeRecoveryCode(code);
    expect(canonical).toBe('ab1cd0ef2g');
    for (const typed of ['AB1CD-0EF2G', ' ab1cd 0ef2g ', 'abicd-oef2g', 'ABLCD0EF2G']) {
      expect(normalizeRecoveryCode(typed)).toBe(canonical);
    }
  });

  it('refuse what cannot be a code', () => {
    for (const typed of ['', '123456', 'ab1cd-0ef2', 'ab1cd-0ef2gh', 'ab1cd-0ef2u', 'ab1cd_0ef2g']) {
      expect(normalizeRecoveryCode(typed)).toBeNull();
    }
  });

  it('are stored as a keyed digest that says nothing without the key', () => {
    const key = randomBytes(32);
    const digest = recoveryCodeDigest(key, 'ab1cd0ef2g');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(recoveryCodeDigest(key, 'ab1cd0ef2g')).toBe(digest);
    expect(recoveryCodeDigest(randomBytes(32), 'ab1cd0ef2g')).not.toBe(digest);
    expect(recoveryCodeDigest(key, 'ab1cd0ef2h')).not.toBe(digest);
  });
});
