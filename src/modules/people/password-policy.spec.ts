import type { AppConfig } from '../../config/app.config';
import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy({ passwordMinLength: 12 } as AppConfig);
  const who = { email: 'grace.hopper@example.test', name: 'Grace Hopper' };

  it('accepts a long passphrase without composition rules', async () => {
    await expect(policy.check('copper kettle under moonlight', who)).resolves.toBeNull();
  });

  it('counts characters, not UTF-16 units, and never trims', async () => {
    // Five astral characters plus seven: 12 characters, 17 UTF-16 units.
    await expect(policy.check('🦊🐙🦉🐝🦋 lantern', who)).resolves.toBeNull();
    await expect(policy.check('   short   ', who)).resolves.toBe('Use at least 12 characters.');
  });

  it('refuses short, overlong, self-describing and monotonous passwords with a reason', async () => {
    await expect(policy.check('abc', who)).resolves.toBe('Use at least 12 characters.');
    await expect(policy.check('x'.repeat(257), who)).resolves.toBe('Use at most 256 characters.');
    await expect(policy.check('grace.hopper-2026!', who)).resolves.toBe(
      'Do not use your email address in your password.',
    );
    await expect(policy.check('i-love-hopper-1906', who)).resolves.toBe('Do not use your name in your password.');
    await expect(policy.check('aaaaaaaaaaaaaaab', who)).resolves.toBe('This password is too easy to guess.');
  });

  it('refuses common and guessable passwords that pass the length rule', async () => {
    for (const common of ['password1234', 'qwertyuiop123', 'iloveyou2024!', 'Password123!']) {
      await expect(policy.check(common, who)).resolves.toMatch(/^This password is too easy to guess/);
    }
  });
});
