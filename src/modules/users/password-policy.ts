import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../config/config.module';

export const PASSWORD_MAX_LENGTH = 256;

/**
 * No composition rules (NIST 800-63B): long enough, not absurdly long, and not
 * built from who the person is. Passwords are never trimmed or truncated.
 */
@Injectable()
export class PasswordPolicy {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get minLength(): number {
    return this.config.passwordMinLength;
  }

  describe(): string {
    return `At least ${this.minLength} characters. A passphrase of a few unrelated words works well. It must not contain your email address or name.`;
  }

  /** The reason the password is refused, or null when it is acceptable. */
  check(password: string, person: { email: string; name?: string }): string | null {
    const length = [...password].length;
    if (length < this.minLength) return `Use at least ${this.minLength} characters.`;
    if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
    const lower = password.toLowerCase();
    const email = person.email.trim().toLowerCase();
    const local = email.split('@')[0];
    if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) {
      return 'Do not use your email address in your password.';
    }
    const nameParts = (person.name ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((part) => part.length >= 4);
    if (nameParts.some((part) => lower.includes(part))) return 'Do not use your name in your password.';
    if (new Set(password).size <= 2) return 'This password is too easy to guess.';
    return null;
  }
}
