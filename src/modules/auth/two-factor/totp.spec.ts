import { newTotpSecret, totpCode, totpQrDataUri, totpUri, verifyTotp } from './totp';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const now = new Date('2026-11-26T10:00:15Z');

  it('makes 20-byte base32 secrets and an otpauth URI', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totpUri(secret, 'ann@example.test')).toMatch(/^otpauth:\/\/totp\/SeatDesk:ann%40example\.test\?.*secret=/);
  });

  it('accepts the previous, current and next step, nothing further', async () => {
    for (const offset of [-30, 0, 30]) {
      const code = await totpCode(secret, new Date(+now + offset * 1000));
      expect(await verifyTotp(secret, code, now, null)).not.toBeNull();
    }
    for (const offset of [-90, 90]) {
      const code = await totpCode(secret, new Date(+now + offset * 1000));
      expect(await verifyTotp(secret, code, now, null)).toBeNull();
    }
  });

  it('refuses a code of a step already accepted', async () => {
    const code = await totpCode(secret, now);
    const step = await verifyTotp(secret, code, now, null);
    expect(step).toBe(Math.floor(+now / 30_000));
    expect(await verifyTotp(secret, code, now, step)).toBeNull();
    const next = await totpCode(secret, new Date(+now + 30_000));
    expect(await verifyTotp(secret, next, now, step)).toBe(step! + 1);
  });

  it('refuses malformed codes', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456']) {
      expect(await verifyTotp(secret, code, now, null)).toBeNull();
    }
  });

  it('renders the QR code as an SVG data URI', async () => {
    expect(await totpQrDataUri(totpUri(secret, 'a@b.test'))).toMatch(/^data:image\/svg\+xml;base64,/);
  });
});
