import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a'.repeat(40), 'totp');

  it('opens what it sealed, with a different ciphertext every time', () => {
    const a = box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const b = box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('JBSWY3DP');
    expect(box.open(a)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('refuses an altered box or another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(box.open(parts.join('.'))).toBeNull();
    expect(new SecretBox('b'.repeat(40), 'totp').open(sealed)).toBeNull();
    expect(new SecretBox('a'.repeat(40), 'other').open(sealed)).toBeNull();
    expect(box.open('garbage')).toBeNull();
  });
});
