import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { currentRequestInfo, systemActor } from '../../../common/request-info';
import type { AppConfig } from '../../../config/app.config';
import { APP_CONFIG } from '../../../common/config.module';
import { AppEvents } from '../../../platform/events/app-events.service';
import { AuditService } from '../../../platform/audit/audit.service';
import { MailService } from '../../../platform/mail/mail.service';
import { personTarget } from '../../people/person.entity';
import { AuthTokensService } from '../auth-tokens.service';
import { LockoutStateService, type FailureRow, type LockoutPolicy } from '../../people/lockout-state.service';

// The lockout policy acts, not the person whose account it is.
const POLICY_ACTOR = systemActor('lockout-policy');

/**
 * Consecutive failed sign-ins (password or two-factor step) lock an account
 * for LOCKOUT_SECONDS, doubling with each further lockout up to
 * LOCKOUT_MAX_SECONDS; a successful sign-in, a password reset or an unlock
 * clears it all. Counting happens in single conditional statements
 * (the people module's LockoutStateService), never read-modify-write here.
 */
@Injectable()
export class LockoutService {
  private readonly policy: LockoutPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly lockouts: LockoutStateService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly mail: MailService,
    private readonly tokens: AuthTokensService,
  ) {
    this.policy = {
      maxFailures: config.lockoutMaxFailures,
      lockoutSeconds: config.lockoutSeconds,
      maxLockoutSeconds: config.lockoutMaxSeconds,
    };
  }

  /**
   * Whether the account is locked at this moment, read from the database (not
   * from an entity loaded before a slow hash): a lockout that has run out
   * counts as lifted.
   */
  isLocked(personId: string): Promise<boolean> {
    return this.lockouts.isLocked(personId, +this.clock.now());
  }

  /**
   * Counts a failed sign-in step (wrong password, wrong two-factor code).
   * Returns true when this failure started a lockout, which is then audited
   * and mailed to the owner (once per lockout) in the same transaction.
   * While a lockout is in force nothing is counted and false is returned.
   */
  recordFailure(personId: string): Promise<boolean> {
    return this.em.transactional(async () => {
      const now = +this.clock.now();
      await this.liftExpired(personId, now);
      const row = await this.lockouts.recordFailure(personId, now, this.policy);
      if (!row || row.lockedUntil === null) return false;
      await this.started(personId, row, now);
      return true;
    });
  }

  /** A sign-in completed: failures and lockouts are forgotten. Inside the sign-in's transaction. */
  async recordSuccess(personId: string): Promise<void> {
    await this.liftExpired(personId, +this.clock.now());
    await this.lockouts.clear(personId);
  }

  /**
   * Clears failures and lockouts inside the caller's transaction (password
   * reset, unlock); the caller audits. Returns whether a lockout was in force.
   */
  async clear(personId: string): Promise<boolean> {
    const now = +this.clock.now();
    await this.liftExpired(personId, now);
    const wasLocked = (await this.lockouts.lockedUntil(personId, now)) !== null;
    await this.lockouts.clear(personId);
    return wasLocked;
  }

  /**
   * Lifts a lockout by hand (CLI, helpdesk), audited `user.unlocked` with the
   * reason when one is given; returns whether one was in force. Joins the
   * caller's transaction when there is one.
   */
  unlockAccount(
    person: { id: string; email: string; organizationId: string | null },
    reason?: string,
  ): Promise<boolean> {
    return this.em.transactional(async () => {
      const wasLocked = await this.clear(person.id);
      await this.audit.record({
        action: 'user.unlocked',
        target: personTarget(person),
        organizationId: person.organizationId,
        details: reason !== undefined ? { wasLocked, reason } : { wasLocked },
      });
      return wasLocked;
    });
  }

  /** The `auth.lockout-expiry` job: lifts every lockout that has run out, each audited. */
  expireDue(): Promise<{ lifted: number }> {
    return this.em.transactional(async () => {
      const lifted = await this.lockouts.liftExpired(+this.clock.now());
      for (const row of lifted) await this.expired(row, 'job');
      return { lifted: lifted.length };
    });
  }

  // Sign-in does not wait for the job: a lockout that ran out is lifted (and audited) on the spot.
  private async liftExpired(personId: string, now: number): Promise<void> {
    for (const row of await this.lockouts.liftExpired(now, personId)) await this.expired(row, 'sign_in');
  }

  private async expired(row: { personId: string; email: string; organizationId: string | null }, via: string) {
    await this.audit.record({
      action: 'auth.lockout.expired',
      actor: POLICY_ACTOR,
      target: { type: 'person', id: row.personId, label: row.email },
      organizationId: row.organizationId,
      details: { via },
    });
    this.events.emit('auth.lockout.expired', {
      personId: row.personId,
      email: row.email,
      organizationId: row.organizationId,
    });
  }

  private async started(personId: string, row: FailureRow, now: number): Promise<void> {
    const until = new Date(row.lockedUntil!);
    await this.audit.record({
      action: 'auth.lockout.started',
      outcome: 'denied',
      actor: POLICY_ACTOR,
      target: { type: 'person', id: personId, label: row.email },
      organizationId: row.organizationId,
      details: {
        until: until.toISOString(),
        failures: row.failures,
        lockouts: row.lockouts,
        seconds: Math.round((+until - now) / 1000),
      },
    });
    // A disabled person cannot reset a password or sign in: nothing to tell them.
    if (row.status === 'active') {
      const token = await this.tokens.issue(personId, 'password_reset', this.config.resetTokenTtlSeconds);
      await this.mail.enqueue('lockout', row.email, {
        name: row.name,
        failures: row.failures,
        lockedAt: now,
        until: +until,
        ip: currentRequestInfo().ip ?? null,
        token,
        linkMinutes: Math.round(this.config.resetTokenTtlSeconds / 60),
        antiPhishingPhrase: row.antiPhishingPhrase,
      });
    }
    this.events.emit('auth.lockout.started', {
      personId,
      email: row.email,
      organizationId: row.organizationId,
      lockedUntil: until.toISOString(),
      failures: row.failures,
    });
  }
}
