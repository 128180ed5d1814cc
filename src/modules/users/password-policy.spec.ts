import type { AppConfig } from '../../config/app.config';
import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy({ passwordMinLength: 12 } as AppConfig);
  const who = { email: 'grace.hopper@example.test', name: 'Grace Hopper' };

  it('accepts a long passphrase without composition rules', () => {
    expect(policy.check('copper kettle under moonlight', who)).toBeNull();
  });

  it('counts characters, not bytes, and never trims', () => {
    expect(policy.check('çàfé-ünïcødé', who)).toBeNull();
    expect(policy.check('   short   ', who)).toBe('Use at least 12 characters.');
  });

  it('refuses short, overlong, self-describing and monotonous passwords with a reason', () => {
    expect(policy.check('abc', who)).toBe('Use at least 12 characters.');
    expect(policy.check('x'.repeat(257), who)).toBe('Use at most 256 characters.');
    expect(policy.check('grace.hopper-2026!', who)).toBe('Do not use your email address in your password.');
    expect(policy.check('i-love-hopper-1906', who)).toBe('Do not use your name in your password.');
    expect(policy.check('aaaaaaaaaaaaaaab', who)).toBe('This password is too easy to guess.');
  });
});
