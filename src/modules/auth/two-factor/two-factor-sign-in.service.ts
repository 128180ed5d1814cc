import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { Unauthenticated } from '../../../common/errors/app-error';
import type { Principal } from '../../../common/http/principal';
import { AppEvents } from '../../../platform/events/app-events.service';
import { AuditService } from '../../../platform/audit/audit.service';
import { MailService } from '../../../platform/mail/mail.service';
import { SignInService } from '../sign-in/sign-in.service';
import { SessionsService } from '../sessions/sessions.service';
import { TwoFactorService } from './two-factor.service';
import type { TwoFactorRow } from './two-factor.store';

/** How long after the password the code may still be entered. */
export const TWO_FACTOR_PENDING_SECONDS = 10 * 60;

/** The one answer to every refused code, whatever the reason (locked included). */
export const TWO_FACTOR_FAILED =
  'That code did not work, or the account cannot sign in right now. Enter the code your app shows now, or one of your recovery codes.';

/** A code that was right but already used: only its owner can have typed it, so they are told. */
export const TWO_FACTOR_CODE_REUSED = 'That code was just used. Wait for the next one, then enter it.';

export type SecondStepOutcome =
  | {
      outcome: 'signed_in';
      method: 'totp' | 'recovery_code';
      recoveryCodesLeft: number | null;
      /** The cookie of the new, signed-in session (the pending one has ended). */
      token: string;
    }
  /** The half-finished sign-in is over (too slow, person gone or disabled, two-factor removed): start again. */
  | { outcome: 'restart' };

/**
 * The second step of sign-in, for a session that passed the password and
 * waits at /login/2fa. That session grants nothing else, and only for
 * TWO_FACTOR_PENDING_SECONDS.
 */
@Injectable()
export class TwoFactorSignInService {
  constructor(
    private readonly em: EntityManager,
    private readonly twoFactor: TwoFactorService,
    private readonly auth: SignInService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly events: AppEvents,
    private readonly clock: Clock,
  ) {}

  /** Still within the time allowed since the password was typed. */
  isCurrent(user: Principal): boolean {
    return user.confirmedAt !== null && +this.clock.now() - +user.confirmedAt < TWO_FACTOR_PENDING_SECONDS * 1000;
  }

  /** Ends a pending session that may not go on. */
  async abandon(user: Principal, reason = 'two-factor-timeout'): Promise<void> {
    await this.sessions.end(user.sessionId, reason);
  }

  /**
   * Checks the code (TOTP or recovery code) and, when it is right and not
   * spent, finishes the sign-in in one transaction with its audit entries
   * and, for a recovery code, the mail to the owner. A refused code counts
   * as a failed sign-in for the lockout, and is refused with TWO_FACTOR_FAILED.
   */
  async verify(user: Principal, code: unknown): Promise<SecondStepOutcome> {
    const row = await this.twoFactor.find(user.personId);
    if (!this.isCurrent(user) || !row || row.status !== 'active' || row.totpEnabledAt === null) {
      await this.abandon(user, this.isCurrent(user) ? 'two-factor-unavailable' : 'two-factor-timeout');
      return { outcome: 'restart' };
    }
    if (await this.twoFactor.isLocked(row.personId)) {
      // Locked meanwhile: refused like any wrong code, and not counted again.
      await this.failed(row, 'locked');
      throw new Unauthenticated(TWO_FACTOR_FAILED);
    }
    const checked = await this.twoFactor.checkCode(row, code);
    const signedIn = await this.em.transactional(async () => {
      if (!checked || !(await this.twoFactor.spendCode(row.personId, checked))) return null;
      let left: number | null = null;
      if (checked.method === 'recovery_code') left = await this.recoveryCodeUsed(row);
      const session = await this.auth.completeTwoFactor(
        {
          personId: row.personId,
          email: row.email,
          organizationId: row.organizationId,
          role: user.role,
          twoFactor: true,
          mustEnrol: false,
        },
        user.sessionId,
        checked.method,
      );
      return {
        outcome: 'signed_in' as const,
        method: checked.method,
        recoveryCodesLeft: left,
        token: session.token,
      };
    });
    if (signedIn) return signedIn;
    if (await this.twoFactor.isSpentCode(row.personId, code)) {
      // The person's own last good code again: refused, not counted as a guess.
      await this.failed(row, 'code_reused');
      throw new Unauthenticated(TWO_FACTOR_CODE_REUSED);
    }
    await this.failed(row, 'wrong_second_factor');
    await this.twoFactor.recordFailure(row.personId);
    throw new Unauthenticated(TWO_FACTOR_FAILED);
  }

  // Inside the sign-in transaction: audited, and the owner is told at once.
  private async recoveryCodeUsed(row: TwoFactorRow): Promise<number> {
    const left = await this.twoFactor.unusedRecoveryCodes(row.personId);
    await this.audit.record({
      action: 'auth.2fa.recovery_code_used',
      actor: this.twoFactor.personActor(row),
      target: this.twoFactor.target(row),
      organizationId: row.organizationId,
      details: { remaining: left },
    });
    await this.mail.enqueue('recovery-code-used', row.email, this.twoFactor.mailData(row, { remaining: left }));
    return left;
  }

  private async failed(row: TwoFactorRow, reason: 'wrong_second_factor' | 'code_reused' | 'locked'): Promise<void> {
    await this.audit.record({
      action: 'auth.login.failed',
      outcome: 'failure',
      actor: this.twoFactor.personActor(row),
      target: this.twoFactor.target(row),
      organizationId: row.organizationId,
      details: { reason, step: 'two_factor' },
    });
    this.events.emit('auth.login.failed', { email: row.email, organizationId: row.organizationId });
  }
}
