import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { InputRefused, type FieldErrors } from '../../../common/errors/app-error';
import { currentRequestInfo } from '../../../common/request-info';
import type { AppConfig } from '../../../config/app.config';
import { APP_CONFIG } from '../../../common/config.module';
import { AfterCommit } from '../../../platform/database/after-commit';
import { AppEvents } from '../../../platform/events/app-events.service';
import { AuditService } from '../../../platform/audit/audit.service';
import { MailService } from '../../../platform/mail/mail.service';
import { PasswordPolicy } from '../../people/password-policy';
import { passwordStrength, strengthView } from '../../people/password-strength';
import { normalizeEmail, personActor, personTarget, type Person } from '../../people/person.entity';
import { OrganizationsService } from '../../organizations/organizations.service';
import { PeopleService } from '../../people/people.service';
import { AuthTokensService } from '../auth-tokens.service';
import { LockoutService } from '../lockout/lockout.service';
import { SessionsService } from '../sessions/sessions.service';

// The id no person has: the statements of a link nobody gets run against it and match no row.
const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** The person a still-good reset link belongs to. */
export interface ResetLink {
  personId: string;
  email: string;
  name: string;
  /** The person's organization's minimum, or the install's. */
  passwordMinLength: number;
}

// A link that is used, superseded, expired or altered: the reset page says so instead of its form (400).
const linkGone = () =>
  new InputRefused('This password reset link is not valid any more. Ask for a new one.', {
    title: 'This link no longer works',
    invalid: true,
  });

/**
 * Forgotten passwords: a single-use link by email (AuthTokensService: 256
 * random bits kept only as their SHA-256, a newer link supersedes older ones),
 * then a new password that also lifts a lockout and ends every session.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly people: PeopleService,
    private readonly policy: PasswordPolicy,
    private readonly tokens: AuthTokensService,
    private readonly sessions: SessionsService,
    private readonly lockout: LockoutService,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly mail: MailService,
    private readonly clock: Clock,
    private readonly afterCommit: AfterCommit,
    private readonly organizations: OrganizationsService,
  ) {}

  /**
   * /forgot-password. The answer is the same for every address, and so is the
   * work done before it: the lookup, the link and the audit entry happen after
   * the answer has gone out (AfterCommit.runAfterAnswer), so its time tells
   * nothing either. An active person gets a link by email; for any other
   * address the attempt is audited and nothing is sent.
   */
  requestLink(email: string): void {
    const address = normalizeEmail(email).slice(0, 254);
    this.afterCommit.runAfterAnswer(() => this.answerRequest(address));
  }

  // Work after the answer still shares the event loop with the next request:
  // for an address without a link, the same statements as a link's (the
  // supersede of older links, matching no row) in the same transaction.
  private async answerRequest(address: string): Promise<void> {
    const person = address ? await this.people.findForSignIn(address) : null;
    await this.em.transactional(async () => {
      if (person?.status === 'active') {
        await this.mailLink(person, 'forgot_password');
        return;
      }
      await this.tokens.revoke(NO_ONE, 'password_reset');
      await this.audit.record({
        action: 'auth.password.reset_requested',
        outcome: 'failure',
        actor: { type: 'person', id: null, label: address || '(no email)' },
        target: { type: 'person', id: person?.id ?? null, label: address || '(no email)' },
        organizationId: person?.organizationId,
        details: { via: 'forgot_password', reason: person ? 'disabled' : 'unknown_account' },
      });
    });
  }

  /** `user:reset-link`: a new single-use link for an operator to pass on (older links stop working). */
  async createLink(person: Person): Promise<string> {
    return this.em.transactional(async () => {
      const { url } = await this.issueLink(person.id);
      await this.audit.record({
        action: 'auth.password.reset_requested',
        target: personTarget(person),
        organizationId: person.organizationId,
        details: { via: 'cli', minutes: this.linkMinutes },
      });
      return url;
    });
  }

  /**
   * A new single-use link (older ones stop working), valid `validSeconds`
   * (default: RESET_TOKEN_TTL_SECONDS, the self-service link's validity),
   * inside the caller's transaction; the caller audits and sends it (the
   * helpdesk sends one valid 12 hours). The token is for the mail only.
   */
  async issueLink(
    personId: string,
    validSeconds = this.config.resetTokenTtlSeconds,
  ): Promise<{ token: string; url: string; minutes: number }> {
    const token = await this.tokens.issue(personId, 'password_reset', validSeconds);
    return { token, url: this.linkUrl(token), minutes: Math.round(validSeconds / 60) };
  }

  /**
   * An operator has a link mailed to a person to choose a new password
   * (`via: operator`). Older links stop working. Joins the caller's
   * transaction; the operator is the audit entry's actor.
   */
  async sendLink(person: Person): Promise<void> {
    await this.em.transactional(async () => {
      const { token } = await this.issueLink(person.id);
      const sender = currentRequestInfo().actor?.label;
      await this.mail.enqueue('password-reset', person.email, {
        name: person.name,
        token,
        linkMinutes: this.linkMinutes,
        requestedAt: +this.clock.now(),
        sentBy: sender ?? 'An operator',
        antiPhishingPhrase: person.antiPhishingPhrase,
      });
      await this.audit.record({
        action: 'auth.password.reset_requested',
        target: personTarget(person),
        organizationId: person.organizationId,
        details: { via: 'operator', minutes: this.linkMinutes },
      });
    });
  }

  /**
   * The person a reset link is for, while the link is good (unused, newest,
   * not expired) and they are active; else refused with the page that says so.
   */
  async link(token: unknown): Promise<ResetLink> {
    const valid = await this.tokens.check(token, 'password_reset');
    const person = valid ? await this.people.findById(valid.personId) : null;
    if (person?.status !== 'active') throw linkGone();
    const passwordMinLength = this.policy.effectiveMinLength(
      await this.organizations.passwordMinLength(person.organizationId),
    );
    return { personId: person.id, email: person.email, name: person.name, passwordMinLength };
  }

  /**
   * Sets the new password from a reset link. A link that is not good (used,
   * superseded, expired, altered, or used first by a concurrent request) and
   * a refused password are refused for the page. In one transaction: the link
   * is used, the password set, a lockout lifted, every session ended, other
   * links withdrawn, the change audited and the owner told.
   */
  async reset(token: unknown, password: string, confirmPassword: string): Promise<void> {
    const link = await this.link(token);
    const errors: FieldErrors = {};
    const weak = await this.policy.check(password, { email: link.email, name: link.name }, link.passwordMinLength);
    if (weak) errors.password = weak;
    if (confirmPassword !== password) errors.confirmPassword = 'The two passwords are not the same: type it again.';
    if (Object.keys(errors).length > 0) {
      // The meter shows the server's verdict on the refused password.
      const strength = weak ? await passwordStrength(password, [link.email, ...link.name.split(/\s+/)]) : null;
      throw new InputRefused(errors, {
        passwordMinLength: link.passwordMinLength,
        passwordHelp: this.policy.describe(link.passwordMinLength),
        strength: strength ? strengthView(strength.score, true) : null,
      });
    }

    // argon2 takes tens of ms: never while holding the database.
    const hashed = await this.people.hashPassword(password);
    const done = await this.em.transactional(async () => {
      // The one check that counts: a link is used at most once, even by racing requests.
      const used = await this.tokens.consume(token, 'password_reset');
      if (used?.personId !== link.personId) return false;
      const person = await this.people.findById(link.personId);
      if (person?.status !== 'active') return false;
      await this.people.setPassword(person.id, hashed);
      const lockLifted = await this.lockout.clear(person.id);
      const sessionsEnded = await this.sessions.endAllOf(person.id, 'password-reset');
      await this.tokens.revoke(person.id);
      await this.audit.record({
        action: 'auth.password.reset',
        actor: personActor(person),
        target: personTarget(person),
        details: { lockLifted, signedOut: sessionsEnded },
      });
      await this.mail.enqueue('password-changed', person.email, {
        name: person.name,
        changedAt: +this.clock.now(),
        ip: currentRequestInfo().ip ?? null,
        reset: true,
        antiPhishingPhrase: person.antiPhishingPhrase,
      });
      this.events.emit('auth.password.reset', {
        personId: person.id,
        email: person.email,
        organizationId: person.organizationId,
      });
      return true;
    });
    if (!done) throw linkGone();
  }

  private get linkMinutes(): number {
    return Math.round(this.config.resetTokenTtlSeconds / 60);
  }

  // Built from BASE_URL, never from the request's Host header.
  private linkUrl(token: string): string {
    return `${this.config.baseUrl}/reset-password?${new URLSearchParams({ token }).toString()}`;
  }

  private async mailLink(person: Person, via: string): Promise<void> {
    const token = await this.tokens.issue(person.id, 'password_reset', this.config.resetTokenTtlSeconds);
    await this.mail.enqueue('password-reset', person.email, {
      name: person.name,
      token,
      linkMinutes: this.linkMinutes,
      requestedAt: +this.clock.now(),
      ip: currentRequestInfo().ip ?? null,
      antiPhishingPhrase: person.antiPhishingPhrase,
    });
    await this.audit.record({
      action: 'auth.password.reset_requested',
      actor: { type: 'person', id: null, label: person.email },
      target: personTarget(person),
      organizationId: person.organizationId,
      details: { via, minutes: this.linkMinutes },
    });
  }
}
