import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../common/config.module';
import type { AppConfig } from '../../config/app.config';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound, RateLimited, Unauthenticated, type FieldErrors } from '../../common/errors/app-error';
import { SlidingQuota } from '../../common/http/rate-limit/daily-quota';
import type { Principal } from '../../common/http/principal';
import type { Page, PageRequest } from '../../common/pagination';
import { currentRequestInfo } from '../../common/request-info';
import { AuditService } from '../../platform/audit/audit.service';
import { AuthTokensService, type TokenPurpose } from '../auth/auth-tokens.service';
import { REAUTH_LOCKED, ReauthService } from '../auth/reauth.service';
import { SessionsService } from '../auth/sessions/sessions.service';
import { MailService } from '../../platform/mail/mail.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { timeZoneOptions } from '../../common/view/time-zones';
import { AuditLogService } from '../../platform/audit/audit-log.service';
import type { ActivityRow } from '../../platform/audit/audit.repository';
import { accountView } from './account.view';
import { PasswordPolicy } from '../people/password-policy';
import { passwordStrength, strengthView } from '../people/password-strength';
import { normalizeEmail, personActor, personTarget, type Person } from '../people/person.entity';
import { PeopleService } from '../people/people.service';

// Confirmation links sent to a new or backup address.
const LINK_TTL_HOURS = 24;
const INVALID_LINK =
  'This link is not valid: it was already used, has expired, was replaced by a newer one, or was altered. Ask for a new one from your account page.';
const ADDRESS_TAKEN =
  'This email address is now used by another account, so it cannot become yours. Choose another one from your account page.';
const WRONG_PASSWORD = 'This password is not right. Type the password you sign in with.';
/**
 * Mail to an address the person typed (a new sign-in address, a backup
 * address), per person, in any 24 hours: a signed-in account must not become
 * a way to mail strangers.
 */
export const TYPED_ADDRESS_MAILS_PER_DAY = 5;
const TOO_MANY_LINKS = `You asked for ${TYPED_ADDRESS_MAILS_PER_DAY} links to new addresses within a day, the most we send. Follow a link you already have, or try again tomorrow.`;

/**
 * A person's own account details: name, email change (confirmed from the new
 * address), password change, recovery options, the anti-phishing phrase, the
 * password typed again for sensitive changes, and their activity. Each change
 * is one transaction with its audit entry and mail.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly em: EntityManager,
    private readonly auditLog: AuditLogService,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
    private readonly policy: PasswordPolicy,
    private readonly tokens: AuthTokensService,
    private readonly sessions: SessionsService,
    private readonly reauth: ReauthService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Uses by person id; in memory, like the forms' rate limits.
  private readonly typedAddressMails = new SlidingQuota(TYPED_ADDRESS_MAILS_PER_DAY, 24 * 3600);

  /**
   * One more mail to an address the person typed, or 429 on the form (`field`
   * beside the address) with nothing saved or sent. Given back when the change
   * fails, so only mail actually queued counts.
   */
  private async mailToTypedAddress<T>(person: Person, field: string, work: () => Promise<T>): Promise<T> {
    const wait = this.typedAddressMails.take(person.id, this.clock.now());
    if (wait !== null) throw new RateLimited(wait, { [field]: TOO_MANY_LINKS });
    try {
      return await work();
    } catch (err: unknown) {
      this.typedAddressMails.giveBack(person.id);
      throw err;
    }
  }

  async page(personId: string) {
    const person = await this.get(personId);
    const org = person.organizationId ? await this.organizations.findById(person.organizationId) : null;
    const fallback = org?.timeZone ?? this.config.timeZone;
    return {
      ...accountView(person, org?.name ?? null),
      timeZonePicker: {
        options: timeZoneOptions(person.timeZone),
        fallbackLabel: `${org?.timeZone ? 'Your organization’s' : 'This install’s'} (${fallback})`,
      },
    };
  }

  /** The person's own time zone, or null for their organization's (else the install's). */
  async setTimeZone(user: Principal, timeZone: string | null): Promise<void> {
    const person = await this.get(user.personId);
    if (person.timeZone === timeZone) return;
    await this.em.transactional(async () => {
      await this.people.updateDetails(person.id, { timeZone }, this.clock.now());
      await this.audit.record({
        action: 'user.updated',
        target: personTarget(person),
        details: { changed: ['timeZone'], timeZone },
      });
    });
  }

  /** The password typed again (/account/confirm): opens sensitive changes for a while. */
  async confirmPassword(user: Principal, password: unknown): Promise<void> {
    const result = await this.reauth.check(user.personId, password, 'confirm');
    if (result !== 'ok') throw new Unauthenticated({ password: result === 'locked' ? REAUTH_LOCKED : WRONG_PASSWORD });
    await this.sessions.confirm(user.sessionId);
  }

  async rename(user: Principal, name: string): Promise<void> {
    const person = await this.get(user.personId);
    if (person.name === name) return;
    await this.em.transactional(async () => {
      await this.people.updateDetails(person.id, { name }, this.clock.now());
      await this.audit.record({ action: 'user.updated', target: personTarget(person), details: { changed: ['name'] } });
    });
  }

  /**
   * Sends a confirmation link to the new address and tells the current one;
   * nothing changes until the link is followed. The answer is the same when
   * the address already belongs to another account (the page must not tell
   * who has an account): that address is told so instead of getting a link.
   */
  async requestEmailChange(user: Principal, requested: string): Promise<string> {
    const person = await this.get(user.personId);
    const newEmail = normalizeEmail(requested);
    if (newEmail === person.email) throw new InputRefused({ newEmail: 'This is already your email address.' });
    const taken = await this.people.emailTaken(newEmail, person.id);
    const now = this.clock.now();
    await this.mailToTypedAddress(person, 'newEmail', () =>
      this.em.transactional(async () => {
        if (taken) {
          // Someone else's address: it gets their own phrase, and no link.
          await this.mail.enqueue('email-change-taken', newEmail, { newEmail });
        } else {
          const token = await this.tokens.issue(person.id, 'email_change', LINK_TTL_HOURS * 3600, newEmail);
          // Not the person's address yet: it gets no phrase (whoever reads it has
          // not proved anything), nor the person's name (a name is any text they
          // chose: it must not open a message to a stranger).
          await this.mail.enqueue('email-change-confirm', newEmail, {
            newEmail,
            token,
            hours: LINK_TTL_HOURS,
            antiPhishingPhrase: null,
          });
        }
        await this.mail.enqueue('email-change-notice', person.email, {
          name: person.name,
          newEmail,
          at: now,
          ipAddress: currentRequestInfo().ip ?? null,
        });
        // The same entry either way: the person's activity page and their
        // organization's log must not tell who has an account either. (Operators
        // see in /admin/mail which message the address got.)
        await this.audit.record({
          action: 'user.email_change_requested',
          target: personTarget(person),
          details: { newEmail },
        });
      }),
    );
    return newEmail;
  }

  /**
   * The link from the new address was opened (signed in or not): the address
   * it would confirm, checked without using the link, for the page that asks
   * to confirm it (a mail scanner opening the link changes nothing).
   */
  async checkEmailChange(token: unknown): Promise<{ email: string }> {
    const { person, payload: email } = await this.linkFor(token, 'email_change', 'check');
    if (await this.people.emailTaken(email, person.id)) throw new InputRefused(ADDRESS_TAKEN);
    return { email };
  }

  /** The confirmation was posted: the address changes now. */
  async confirmEmailChange(token: unknown): Promise<{ email: string }> {
    try {
      return await this.em.transactional(async () => {
        const { person, payload: email } = await this.linkFor(token, 'email_change', 'use');
        const previous = person.email;
        if (await this.people.emailTaken(email, person.id)) throw new InputRefused(ADDRESS_TAKEN);
        await this.people.updateDetails(person.id, { email }, this.clock.now());
        // Reset links went to the old address: they must not outlive the change.
        await this.tokens.revoke(person.id, 'password_reset');
        await this.audit.record({
          action: 'user.email_changed',
          actor: personActor(person),
          target: personTarget(person),
          details: { from: previous, to: email },
        });
        await this.mail.enqueue('email-change-notice', previous, {
          name: person.name,
          newEmail: email,
          completed: true,
          at: this.clock.now(),
          ipAddress: currentRequestInfo().ip ?? null,
          antiPhishingPhrase: person.antiPhishingPhrase,
        });
        return { email };
      });
    } catch (err) {
      // Another account took the address between the check and the update.
      if (err instanceof UniqueConstraintViolationException) throw new InputRefused(ADDRESS_TAKEN);
      throw err;
    }
  }

  /** The password rules that hold for this person: their organization's minimum, or the install's. */
  async passwordRules(personId: string): Promise<{ passwordMinLength: number; passwordHelp: string }> {
    const person = await this.get(personId);
    const minLength = this.policy.effectiveMinLength(await this.organizations.passwordMinLength(person.organizationId));
    return { passwordMinLength: minLength, passwordHelp: this.policy.describe(minLength) };
  }

  /**
   * Current password required; the new one checked by the policy; every other
   * session of the person ends, this one stays (and counts as confirmed).
   */
  async changePassword(
    user: Principal,
    input: { currentPassword: string; newPassword: string; confirmPassword: string },
  ): Promise<void> {
    const person = await this.get(user.personId);
    const current = await this.reauth.check(person.id, input.currentPassword, 'password_change');
    if (current !== 'ok') {
      const message = current === 'locked' ? REAUTH_LOCKED : 'Your current password is not right.';
      throw new InputRefused({ currentPassword: message }, { strength: null });
    }
    const errors: FieldErrors = {};
    if (input.newPassword === input.currentPassword) {
      errors.newPassword = 'Choose a password different from your current one.';
    } else {
      const { passwordMinLength } = await this.passwordRules(person.id);
      const reason = await this.policy.check(
        input.newPassword,
        { email: person.email, name: person.name },
        passwordMinLength,
      );
      if (reason) errors.newPassword = reason;
    }
    if (!errors.newPassword && input.confirmPassword !== input.newPassword) {
      errors.confirmPassword = 'The two new passwords are not the same.';
    }
    if (Object.keys(errors).length > 0) {
      // The meter shows the server's verdict on the refused password.
      const strength = errors.newPassword ? await this.strengthOf(input.newPassword, person) : null;
      throw new InputRefused(errors, { strength });
    }

    // The slow hash happens before the transaction, so it does not hold the database.
    const hashed = await this.people.hashPassword(input.newPassword);
    const info = currentRequestInfo();
    await this.em.transactional(async () => {
      await this.people.setPassword(person.id, hashed);
      const signedOutElsewhere = await this.sessions.endAllOf(person.id, 'password-changed', user.sessionId);
      await this.sessions.confirm(user.sessionId);
      await this.tokens.revoke(person.id);
      await this.audit.record({
        action: 'auth.password.changed',
        target: personTarget(person),
        details: { signedOutElsewhere },
      });
      await this.mail.enqueue('password-changed', person.email, {
        name: person.name,
        changedAt: +this.clock.now(),
        ip: info.ip ?? null,
        reset: false,
      });
    });
  }

  async requestBackupEmail(user: Principal, requested: string): Promise<string> {
    const person = await this.get(user.personId);
    const backupEmail = normalizeEmail(requested);
    if (backupEmail === person.email) {
      throw new InputRefused({ backupEmail: 'Use an address other than the one you sign in with.' });
    }
    if (backupEmail === person.backupEmail && person.backupEmailConfirmedAt) {
      throw new InputRefused({ backupEmail: 'This is already your backup email address.' });
    }
    await this.mailToTypedAddress(person, 'backupEmail', () =>
      this.em.transactional(async () => {
        const token = await this.tokens.issue(person.id, 'backup_email', LINK_TTL_HOURS * 3600, backupEmail);
        // Not the person's address yet: neither their phrase nor their name (see requestEmailChange).
        await this.mail.enqueue('backup-email-confirm', backupEmail, {
          backupEmail,
          token,
          hours: LINK_TTL_HOURS,
          antiPhishingPhrase: null,
        });
        await this.audit.record({
          action: 'user.backup_email_requested',
          target: personTarget(person),
          details: { backupEmail },
        });
      }),
    );
    return backupEmail;
  }

  /** The link to a backup address was opened: the address it would confirm, the link not used. */
  async checkBackupEmail(token: unknown): Promise<{ backupEmail: string }> {
    const { payload } = await this.linkFor(token, 'backup_email', 'check');
    return { backupEmail: payload };
  }

  /** The confirmation was posted: the backup address counts from now on. */
  async confirmBackupEmail(token: unknown): Promise<{ backupEmail: string }> {
    return this.em.transactional(async () => {
      const { person, payload: backupEmail } = await this.linkFor(token, 'backup_email', 'use');
      const now = this.clock.now();
      await this.people.updateDetails(person.id, { backupEmail, backupEmailConfirmedAt: now }, now);
      await this.audit.record({
        action: 'user.backup_email_confirmed',
        actor: personActor(person),
        target: personTarget(person),
        details: { backupEmail },
      });
      return { backupEmail };
    });
  }

  async removeBackupEmail(user: Principal): Promise<void> {
    const person = await this.get(user.personId);
    await this.em.transactional(async () => {
      await this.people.updateDetails(person.id, { backupEmail: null, backupEmailConfirmedAt: null }, this.clock.now());
      await this.tokens.revoke(person.id, 'backup_email');
      await this.audit.record({ action: 'user.backup_email_removed', target: personTarget(person) });
    });
  }

  /** Audited without the phrase itself: the audit log is read by others. */
  async setPhrase(user: Principal, phrase: string | null): Promise<void> {
    const person = await this.get(user.personId);
    await this.em.transactional(async () => {
      await this.people.updateDetails(person.id, { antiPhishingPhrase: phrase }, this.clock.now());
      await this.audit.record({
        action: 'user.anti_phishing_phrase_changed',
        target: personTarget(person),
        details: { change: phrase === null ? 'removed' : 'set' },
      });
    });
  }

  async activity(personId: string, request: PageRequest): Promise<Page<ActivityRow>> {
    // A cursor is an id; anything else was altered and is ignored.
    const valid = (cursor: PageRequest['after']) => (cursor && Number.isSafeInteger(cursor[0]) ? cursor : null);
    const clean = { ...request, after: valid(request.after), before: valid(request.before) };
    return this.auditLog.activity(personId, clean);
  }

  private async get(personId: string): Promise<Person> {
    const person = await this.people.findById(personId);
    if (!person) throw new NotFound();
    return person;
  }

  // A confirmation link's active owner and address (the link used, or only checked), or the one refusal for all.
  private async linkFor(
    token: unknown,
    purpose: TokenPurpose,
    how: 'check' | 'use',
  ): Promise<{ person: Person; payload: string }> {
    const link = how === 'use' ? await this.tokens.consume(token, purpose) : await this.tokens.check(token, purpose);
    const person = link?.payload ? await this.people.findById(link.personId) : null;
    if (!link?.payload || !person || person.status !== 'active') throw new InputRefused(INVALID_LINK);
    return { person, payload: link.payload };
  }

  private async strengthOf(password: string, person: Person) {
    const { score } = await passwordStrength(password, [person.email, ...person.name.split(/\s+/)]);
    return strengthView(score, true);
  }
}
