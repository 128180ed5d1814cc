import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';
import { passwordStrength } from './password-strength';

export const PASSWORD_MAX_LENGTH = 256;

/** zxcvbn score a password needs (0–4): 3 is "safely unguessable". */
const MIN_SCORE = 3;

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

  /** An organization's minimum (never below the install's), or the install's. */
  effectiveMinLength(organizationMinLength: number | null): number {
    return Math.max(this.minLength, organizationMinLength ?? 0);
  }

  describe(minLength = this.minLength): string {
    return `At least ${minLength} characters. A passphrase of a few unrelated words works well. Common or easily guessed passwords, and ones containing your email address or name, are refused.`;
  }

  /** The reason the password is refused, or null when it is acceptable. */
  async check(
    password: string,
    person: { email: string; name?: string },
    minLength = this.minLength,
  ): Promise<string | null> {
    const reason = this.checkRules(password, person, minLength);
    if (reason) return reason;
    const verdict = await passwordStrength(password, [person.email, ...(person.name ?? '').split(/\s+/)]);
    if (verdict.score < MIN_SCORE) {
      return `This password is too easy to guess${verdict.warning ? `: ${verdict.warning.replace(/\.$/, '').toLowerCase()}` : ''}. Try a few unrelated words.`;
    }
    return null;
  }

  private checkRules(password: string, person: { email: string; name?: string }, minLength: number): string | null {
    const length = [...password].length;
    if (length < minLength) return `Use at least ${minLength} characters.`;
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
