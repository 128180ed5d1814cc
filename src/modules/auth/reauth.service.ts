import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../../common/security/password-hasher';
import { AuditService } from '../../platform/audit/audit.service';
import { personTarget } from '../people/person.entity';
import { LockoutService } from './lockout/lockout.service';
import { PeopleService } from '../people/people.service';

export type ReauthResult = 'ok' | 'wrong' | 'locked';

/** Beside the password field when the account is locked. */
export const REAUTH_LOCKED =
  'Too many wrong passwords: your account is locked for a while. Try again later, or reset your password from the sign-in page.';

/**
 * The password typed again by someone already signed in (re-confirmation,
 * password change, turning two-factor off). It is a sign-in step as far as the
 * lockout goes: refused while the account is locked, and a wrong password
 * counts as a failed sign-in, so a stolen session cannot be used to guess the
 * password and then make the changes the password guards.
 */
@Injectable()
export class ReauthService {
  constructor(
    private readonly people: PeopleService,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly audit: AuditService,
  ) {}

  /** Checks the password; a wrong one is audited and counted. */
  async check(personId: string, password: unknown, purpose: string): Promise<ReauthResult> {
    const result = await this.verify(personId, password);
    if (result === 'wrong') await this.failed(personId, purpose);
    return result;
  }

  /** Checks the password without counting, for a caller that counts the whole attempt once with failed(). */
  async verify(personId: string, password: unknown): Promise<ReauthResult> {
    // A plain read: no managed entity to be flushed back over these columns after the slow hash.
    const hash = await this.people.passwordHashOf(personId);
    if (hash === null || (await this.lockout.isLocked(personId))) return hash !== null ? 'locked' : 'wrong';
    const ok =
      typeof password === 'string' && password.length <= 1024
        ? await this.hasher.verify(hash, password)
        : await this.hasher.verifyDummy(String(password ?? '').slice(0, 1024));
    return ok ? 'ok' : 'wrong';
  }

  /** A failed attempt: audited (outside any transaction, so it stays recorded) and counted towards a lockout. */
  async failed(personId: string, purpose: string): Promise<void> {
    const person = await this.people.principal(personId);
    await this.audit.record({
      action: 'auth.reauth.failed',
      outcome: 'failure',
      target: personTarget({ id: personId, email: person?.email ?? '(unknown)' }),
      details: { purpose },
    });
    await this.lockout.recordFailure(personId);
  }
}
