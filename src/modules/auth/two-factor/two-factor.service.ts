import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { Conflict, Forbidden, InputRefused, NotFound } from '../../../common/errors/app-error';
import type { Principal } from '../../../common/http/principal';
import { currentRequestInfo, type Actor } from '../../../common/request-info';
import { deriveKeyBytes } from '../../../common/security/keys';
import { SecretBox } from '../../../common/security/secret-box';
import type { AppConfig } from '../../../config/app.config';
import { APP_CONFIG } from '../../../common/config.module';
import { AppEvents } from '../../../platform/events/app-events.service';
import { AuditService } from '../../../platform/audit/audit.service';
import { MailService } from '../../../platform/mail/mail.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import { normalizeEmail } from '../../people/person.entity';
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeDigest } from './recovery-codes';
import { LockoutService } from '../lockout/lockout.service';
import { REAUTH_LOCKED, ReauthService } from '../reauth.service';
import { SessionsService } from '../sessions/sessions.service';
import { newTotpSecret, totpQrDataUri, totpUri, verifyTotp } from './totp';
import { TwoFactorStore, type TwoFactorRow } from './two-factor.store';

// One answer whichever of the two was wrong: the form must not confirm a guessed password.
const DISABLE_REFUSED = 'The password or the code is not right. Check both and try again.';
const WRONG_CODE = 'That code is not right. Enter the 6-digit code your app shows now.';

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: Date | null;
  /** The person's organization requires two-factor: it cannot be turned off. */
  required: boolean;
  recoveryCodesLeft: number;
}

/** What the enrolment page shows: the QR code and the same secret as text. */
export interface TwoFactorSetup {
  secret: string;
  qrDataUri: string;
  /** Replacing a secret that is already on (the old one works until this one is confirmed). */
  replacing: boolean;
}

/** A code a person typed, checked but not spent yet (see spendCode). */
export type CheckedCode = { method: 'totp'; step: number } | { method: 'recovery_code'; digest: string } | null;

/**
 * Two-factor for the signed-in person: enrolment (a pending secret that only
 * a correct code turns on), recovery codes, turning it off; and the code
 * checks the sign-in step shares. Secrets are sealed at rest with a key
 * derived from APP_SECRET; recovery codes are kept only as keyed digests.
 */
@Injectable()
export class TwoFactorService {
  private readonly box: SecretBox;
  private readonly codeKey: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly em: EntityManager,
    private readonly repo: TwoFactorStore,
    private readonly organizations: OrganizationsService,
    private readonly reauth: ReauthService,
    private readonly sessions: SessionsService,
    private readonly lockout: LockoutService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly events: AppEvents,
    private readonly clock: Clock,
  ) {
    this.box = new SecretBox(config.appSecret, 'totp');
    this.codeKey = deriveKeyBytes(config.appSecret, 'recovery-codes');
  }

  async status(personId: string): Promise<TwoFactorStatus> {
    const row = await this.row(personId);
    return {
      enabled: row.totpEnabledAt !== null,
      enabledAt: row.totpEnabledAt !== null ? new Date(row.totpEnabledAt) : null,
      required: row.requireTwoFactor === 1,
      recoveryCodesLeft: row.totpEnabledAt !== null ? await this.repo.unusedRecoveryCodes(personId) : 0,
    };
  }

  /**
   * A new secret, waiting for its first code. Two-factor that is already on
   * stays on with the old secret until the new one is confirmed, so an
   * abandoned re-enrolment locks nobody out.
   */
  async beginSetup(user: Principal): Promise<TwoFactorSetup> {
    const row = await this.row(user.personId);
    const secret = newTotpSecret();
    await this.repo.setPending(user.personId, this.box.seal(secret), +this.clock.now());
    return this.setupView(row, secret);
  }

  /** The secret waiting for confirmation (the page again after a refresh), or null. */
  async pendingSetup(user: Principal): Promise<TwoFactorSetup | null> {
    const row = await this.row(user.personId);
    const secret = row.totpPendingSecret ? this.box.open(row.totpPendingSecret) : null;
    return secret ? this.setupView(row, secret) : null;
  }

  /**
   * Turns the pending secret on when `code` is right for it: the previous
   * secret (re-enrolment) and every earlier recovery code stop working; ten
   * new recovery codes are returned, to be shown this once. A session that
   * was held at enrolment is replaced by a signed-in one (a new id: `token`
   * is its cookie). With `signOutOthers`, every other session of the person
   * ends too. A wrong code is refused with the same setup to show again.
   */
  async enable(
    user: Principal,
    code: unknown,
    options: { signOutOthers?: boolean } = {},
  ): Promise<{ recoveryCodes: string[]; token: string | null }> {
    const row = await this.row(user.personId);
    const sealed = row.totpPendingSecret;
    const secret = sealed ? this.box.open(sealed) : null;
    if (!sealed || !secret) throw new Conflict('Start the setup again: there is no code to confirm.');
    const typed = typeof code === 'string' ? code.replace(/\s/g, '') : '';
    const step = await verifyTotp(secret, typed, this.clock.now(), null);
    if (step === null) throw new InputRefused({ code: WRONG_CODE }, { setup: await this.setupView(row, secret) });

    const recoveryCodes = newRecoveryCodes();
    const replaced = row.totpEnabledAt !== null;
    const activated = await this.em.transactional(async () => {
      const now = +this.clock.now();
      if (!(await this.repo.activatePending(user.personId, sealed, step, now))) return null;
      await this.repo.replaceRecoveryCodes(user.personId, this.digests(recoveryCodes), now);
      const rotated = user.stage === 'enrol' ? await this.sessions.rotate(user.sessionId, 'active') : null;
      const signedOutElsewhere = options.signOutOthers
        ? await this.sessions.endAllOf(user.personId, 'two-factor-enabled', rotated?.sessionId ?? user.sessionId)
        : 0;
      await this.audit.record({
        action: 'auth.2fa.enabled',
        target: this.target(row),
        organizationId: row.organizationId,
        details: { method: 'totp', replaced, signedOutElsewhere },
      });
      this.events.emit('auth.2fa.enabled', {
        personId: row.personId,
        email: row.email,
        organizationId: row.organizationId,
      });
      return { token: rotated?.token ?? null };
    });
    // Another setup replaced the secret meanwhile: this code belongs to neither.
    if (!activated) throw new Conflict('Start the setup again: a newer setup replaced this one.');
    return { recoveryCodes, token: activated.token };
  }

  /** Ten new recovery codes, shown once; the old ones stop working. */
  async regenerateRecoveryCodes(user: Principal): Promise<string[]> {
    const row = await this.row(user.personId);
    if (row.totpEnabledAt === null) throw new Conflict('Turn on two-factor sign-in first.');
    const codes = newRecoveryCodes();
    await this.em.transactional(async () => {
      await this.repo.replaceRecoveryCodes(user.personId, this.digests(codes), +this.clock.now());
      await this.audit.record({
        action: 'auth.2fa.recovery_codes_regenerated',
        target: this.target(row),
        organizationId: row.organizationId,
      });
    });
    return codes;
  }

  /**
   * Turns two-factor off when both the password and a code (from the app, or
   * a recovery code) are right. The answer never says which of the two was
   * wrong, the attempt counts once as a failed sign-in, and a locked account
   * cannot do it: a stolen session cannot be used to guess either one here.
   */
  async disable(user: Principal, input: { password: string; code: string }): Promise<void> {
    const row = await this.row(user.personId);
    if (row.totpEnabledAt === null) throw new Conflict('Two-factor sign-in is already off.');
    if (row.requireTwoFactor === 1) {
      throw new Forbidden(
        'Your organization requires two-factor sign-in, so it cannot be turned off. Set it up on a new device instead.',
      );
    }
    const password = await this.reauth.verify(row.personId, input.password);
    if (password === 'locked') throw new InputRefused({ password: REAUTH_LOCKED });
    const checked = await this.checkCode(row, input.code);

    const disabled = await this.em.transactional(async () => {
      if (password !== 'ok' || !(await this.spendCode(row.personId, checked))) return false;
      await this.repo.clear(row.personId);
      await this.audit.record({
        action: 'auth.2fa.disabled',
        target: this.target(row),
        organizationId: row.organizationId,
        details: { by: 'self' },
      });
      await this.mail.enqueue('two-factor-disabled', row.email, this.mailData(row, { bySupport: false }));
      this.events.emit('auth.2fa.disabled', {
        personId: row.personId,
        email: row.email,
        organizationId: row.organizationId,
      });
      return true;
    });
    if (disabled) return;
    if (password === 'ok') await this.recordFailure(row.personId);
    else await this.reauth.failed(row.personId, '2fa_disable');
    throw new InputRefused({ password: DISABLE_REFUSED });
  }

  /**
   * Helpdesk or operator removes a person's two-factor (lost device), with
   * the reason in the audit log; the person is told by email.
   */
  async resetForPerson(who: { email: string } | { personId: string }, reason: string): Promise<TwoFactorRow> {
    const why = reason.trim().replace(/\s+/g, ' ');
    if (why.length < 3 || why.length > 500) throw new InputRefused({ reason: 'Give a reason of 3 to 500 characters.' });
    const row =
      'email' in who ? await this.repo.findByEmail(normalizeEmail(who.email)) : await this.repo.find(who.personId);
    if (!row) {
      throw new NotFound(
        'email' in who ? `No person has the email address ${normalizeEmail(who.email)}.` : 'Person not found.',
      );
    }
    if (row.totpEnabledAt === null && row.totpPendingSecret === null) {
      throw new InputRefused({ email: `Two-factor sign-in is not on for ${row.email}.` });
    }
    await this.em.transactional(async () => {
      await this.repo.clear(row.personId);
      await this.audit.record({
        action: 'user.2fa_reset',
        target: this.target(row),
        organizationId: row.organizationId,
        details: { reason: why },
      });
      await this.mail.enqueue('two-factor-disabled', row.email, this.mailData(row, { bySupport: true }));
      this.events.emit('auth.2fa.disabled', {
        personId: row.personId,
        email: row.email,
        organizationId: row.organizationId,
      });
    });
    return row;
  }

  /**
   * Whether a session held at enrolment may go on without two-factor: its
   * organization stopped requiring it meanwhile.
   */
  canSkipEnrolment(user: Principal, status: TwoFactorStatus): boolean {
    return user.stage === 'enrol' && !status.required && !status.enabled;
  }

  /**
   * Such a session is replaced by a signed-in one (a new id; its cookie is
   * returned) when the person asks to go on (a POST); null when it was not held.
   */
  async releaseEnrolment(user: Principal): Promise<string | null> {
    if (user.stage !== 'enrol') return null;
    if (!this.canSkipEnrolment(user, await this.status(user.personId))) {
      throw new Forbidden('Your organization requires two-factor sign-in. Set it up to continue.');
    }
    return (await this.sessions.rotate(user.sessionId, 'active')).token;
  }

  /**
   * An organization admin requires (or stops requiring) two-factor for their
   * organization: members without it are held at enrolment from their next
   * sign-in. Audited only when it changes.
   */
  setOrganizationRequirement(organizationId: string, required: boolean): Promise<boolean> {
    return this.organizations.setTwoFactorRequirement(organizationId, required);
  }

  /**
   * Checks a typed code against the person's secret or recovery codes
   * without spending it (slow work stays outside transactions). Six digits
   * are a TOTP code; anything that reads as `xxxxx-xxxxx` a recovery code.
   */
  async checkCode(row: TwoFactorRow, input: unknown): Promise<CheckedCode> {
    if (typeof input !== 'string' || input.length > 64 || row.totpEnabledAt === null) return null;
    const compact = input.replace(/\s/g, '');
    if (/^\d{6}$/.test(compact)) {
      const secret = row.totpSecret ? this.box.open(row.totpSecret) : null;
      const step = secret ? await verifyTotp(secret, compact, this.clock.now(), row.totpLastStep) : null;
      return step !== null ? { method: 'totp', step } : null;
    }
    const normalized = normalizeRecoveryCode(input);
    return normalized ? { method: 'recovery_code', digest: recoveryCodeDigest(this.codeKey, normalized) } : null;
  }

  /**
   * Whether `input` is the person's own code of a time step already accepted
   * (typed twice, or the code that just turned two-factor on): a refused
   * replay, not a guess, so it is not counted against the lockout. Reads the
   * last accepted step afresh: a racing request may just have spent it.
   */
  async isSpentCode(personId: string, input: unknown): Promise<boolean> {
    if (typeof input !== 'string') return false;
    const compact = input.replace(/\s/g, '');
    const row = await this.repo.find(personId);
    if (!/^\d{6}$/.test(compact) || !row?.totpSecret || row.totpLastStep === null) return false;
    const secret = this.box.open(row.totpSecret);
    const step = secret ? await verifyTotp(secret, compact, this.clock.now(), null) : null;
    return step !== null && step <= row.totpLastStep;
  }

  /**
   * Spends a checked code with one conditional statement: a time step is
   * accepted once, a recovery code used once, even by racing requests.
   */
  async spendCode(personId: string, checked: CheckedCode): Promise<boolean> {
    if (!checked) return false;
    if (checked.method === 'totp') return this.repo.claimStep(personId, checked.step);
    return this.repo.useRecoveryCode(personId, checked.digest, +this.clock.now());
  }

  /** A wrong code (sign-in step, or turning two-factor off) is a failed sign-in for the lockout. */
  async recordFailure(personId: string): Promise<void> {
    await this.lockout.recordFailure(personId);
  }

  isLocked(personId: string): Promise<boolean> {
    return this.lockout.isLocked(personId);
  }

  find(personId: string): Promise<TwoFactorRow | null> {
    return this.repo.find(personId);
  }

  unusedRecoveryCodes(personId: string): Promise<number> {
    return this.repo.unusedRecoveryCodes(personId);
  }

  /** The organization settings page: the requirement and who it would hold at enrolment. */
  async organizationSettings(organizationId: string) {
    const org = await this.organizations.get(organizationId);
    return {
      name: org.name,
      requireTwoFactor: org.requireTwoFactor,
      withoutTwoFactor: await this.repo.countWithoutTwoFactor(organizationId),
    };
  }

  /** What every two-factor mail carries (the anti-phishing phrase included). */
  mailData(row: TwoFactorRow, extra: Record<string, unknown> = {}) {
    return {
      name: row.name,
      at: this.clock.now(),
      ipAddress: currentRequestInfo().ip ?? null,
      antiPhishingPhrase: row.antiPhishingPhrase,
      ...extra,
    };
  }

  personActor(row: TwoFactorRow): Actor {
    return { type: 'person', id: row.personId, label: row.email, organizationId: row.organizationId, role: row.role };
  }

  target(row: TwoFactorRow) {
    return { type: 'person', id: row.personId, label: row.email };
  }

  private async row(personId: string): Promise<TwoFactorRow> {
    const row = await this.repo.find(personId);
    if (!row) throw new NotFound();
    return row;
  }

  private async setupView(row: TwoFactorRow, secret: string): Promise<TwoFactorSetup> {
    return {
      secret,
      qrDataUri: await totpQrDataUri(totpUri(secret, row.email)),
      replacing: row.totpEnabledAt !== null,
    };
  }

  private digests(codes: string[]): string[] {
    return codes.map((code) => recoveryCodeDigest(this.codeKey, normalizeRecoveryCode(code)!));
  }
}
