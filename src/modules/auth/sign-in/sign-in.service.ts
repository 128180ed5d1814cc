import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../../../common/security/password-hasher';
import type { Actor } from '../../../common/request-info';
import { AppEvents } from '../../../platform/events/app-events.service';
import { AuditService } from '../../../platform/audit/audit.service';
import { normalizeEmail } from '../../people/person.entity';
import { OrganizationsService } from '../../organizations/organizations.service';
import { PeopleService } from '../../people/people.service';
import { KnownBrowsersService } from './known-browsers.service';
import { LockoutService } from '../lockout/lockout.service';
import type { SessionStage } from '../sessions/session.entity';
import { SessionsService, type SessionClient } from '../sessions/sessions.service';

// The id no person or organization has: an unknown address's queries run against it and match no row.
const NO_ONE = '00000000-0000-0000-0000-000000000000';

export const SIGN_IN_FAILED = 'The email address or password is not right, or the account cannot sign in right now.';

export interface SignInCandidate {
  personId: string;
  email: string;
  organizationId: string | null;
  /** Carried into the audit actor, so staff sign-ins are not filed under their organization without a lookup. */
  role?: string;
  /** Two-factor is on: the password alone only reaches /login/2fa. */
  twoFactor?: boolean;
  /** The organization requires two-factor and this person has none yet. */
  mustEnrol?: boolean;
}

/** Why a sign-in failed: for the audit log and helpdesk only, never for the page. */
export type SignInFailure =
  'unknown_account' | 'wrong_password' | 'disabled' | 'organization_suspended' | 'locked' | 'malformed';

const personActor = (c: SignInCandidate): Actor => ({
  type: 'person',
  id: c.personId,
  label: c.email,
  organizationId: c.organizationId,
  role: c.role,
});

@Injectable()
export class SignInService {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly lockout: LockoutService,
    private readonly browsers: KnownBrowsersService,
  ) {}

  /**
   * The person these credentials belong to, or null (and the failure
   * audited). A known and an unknown address do the same work, so timing
   * does not tell which accounts exist: one argon2 verification (a dummy one
   * for an unknown address), the organization's two-factor rule, the lockout
   * read, and for a refusal one transaction with its audit entry and the
   * lockout count (for an unknown address, or a locked account, the same
   * conditional statements, changing no row).
   */
  async checkCredentials(email: unknown, password: unknown): Promise<SignInCandidate | null> {
    if (typeof email !== 'string' || typeof password !== 'string' || password.length > 1024 || email.length > 254) {
      await this.hasher.verifyDummy(String(password ?? ''));
      return this.failed(typeof email === 'string' ? email.slice(0, 254) : '', 'malformed', null);
    }
    const person = await this.people.findForSignIn(email);
    let ok = false;
    // An invited person has no password yet (an empty hash): the same work as an unknown address.
    if (person?.passwordHash) ok = await this.hasher.verify(person.passwordHash, password);
    else await this.hasher.verifyDummy(password);
    const twoFactor = Boolean(person?.totpEnabledAt);
    const orgRules = await this.organizations.signInRules(person?.organizationId ?? NO_ONE);
    const candidate: SignInCandidate | null = person && {
      personId: person.id,
      email: person.email,
      organizationId: person.organizationId,
      role: person.role,
      twoFactor,
      mustEnrol: !twoFactor && orgRules.requiresTwoFactor,
    };
    // Decided after the hash (the same work either way) on the row as it is
    // now: guesses racing the one that locks the account are refused too.
    const locked = await this.lockout.isLocked(person?.id ?? NO_ONE);
    if (!candidate || !ok || locked) {
      const reason: SignInFailure = !candidate ? 'unknown_account' : locked ? 'locked' : 'wrong_password';
      // The failure, its count and a lockout it starts commit together (one write, not two).
      // A locked account's or an unknown address's count changes nothing (conditional statements).
      await this.em.transactional(async () => {
        await this.failed(email, reason, candidate);
        await this.lockout.recordFailure(person?.id ?? NO_ONE);
      });
      return null;
    }
    if (person?.status !== 'active') return this.failed(email, 'disabled', candidate);
    // Staff belong to no organization; anyone else's must not be suspended.
    if (person.organizationId && orgRules.suspended) return this.failed(email, 'organization_suspended', candidate);
    return candidate;
  }

  private async failed(email: string, reason: SignInFailure, known: SignInCandidate | null): Promise<null> {
    const label = normalizeEmail(email) || '(no email)';
    await this.audit.record({
      action: 'auth.login.failed',
      outcome: 'failure',
      actor: known ? personActor(known) : { type: 'person', id: null, label },
      target: { type: 'person', id: known?.personId ?? null, label },
      // The organization is the actor's, unless the actor is staff (AuditService).
      details: { reason },
    });
    this.events.emit('auth.login.failed', { email: label, organizationId: known?.organizationId ?? null });
    return null;
  }

  /**
   * The password was right: starts a new session (ending the one it
   * replaces). With two-factor on, the session only reaches /login/2fa until
   * completeTwoFactor(); otherwise the sign-in completes here. One transaction.
   */
  async signIn(candidate: SignInCandidate, client: SessionClient & { browserId?: string }, previousSessionId?: string) {
    const stage: SessionStage = candidate.twoFactor ? 'two_factor' : candidate.mustEnrol ? 'enrol' : 'active';
    const session = await this.em.transactional(async () => {
      if (previousSessionId) await this.sessions.end(previousSessionId, 'replaced');
      const started = await this.sessions.start(candidate.personId, client, stage);
      if (client.browserId) await this.sessions.setBrowser(started.sessionId, client.browserId);
      if (stage !== 'two_factor') await this.complete(candidate, 'password', started.sessionId);
      return started;
    });
    return { ...session, stage };
  }

  /**
   * The second factor was right: the pending session is replaced by a
   * signed-in one with a new id (its cookie is returned); the pending one ends.
   */
  async completeTwoFactor(candidate: SignInCandidate, sessionId: string, method: 'totp' | 'recovery_code') {
    return this.em.transactional(async () => {
      const session = await this.sessions.rotate(sessionId, candidate.mustEnrol ? 'enrol' : 'active');
      await this.complete(candidate, method, session.sessionId);
      return session;
    });
  }

  // What every completed sign-in does, inside its transaction.
  private async complete(candidate: SignInCandidate, method: 'password' | 'totp' | 'recovery_code', sessionId: string) {
    await this.people.recordSignIn(candidate.personId);
    await this.lockout.recordSuccess(candidate.personId);
    const newBrowser = await this.browsers.recordSignIn(candidate, sessionId);
    await this.audit.record({
      action: 'auth.login.succeeded',
      actor: personActor(candidate),
      target: { type: 'person', id: candidate.personId, label: candidate.email },
      details: newBrowser ? { method, newBrowser } : { method },
    });
    this.events.emit('auth.login.succeeded', {
      personId: candidate.personId,
      email: candidate.email,
      organizationId: candidate.organizationId,
    });
  }

  async signOut(user: { sessionId: string; personId: string; email: string; orgId: string | null }): Promise<void> {
    await this.em.transactional(async () => {
      await this.sessions.end(user.sessionId, 'signed-out');
      await this.audit.record({
        action: 'auth.logout',
        target: { type: 'person', id: user.personId, label: user.email },
      });
    });
    this.events.emit('auth.logout', { personId: user.personId, organizationId: user.orgId });
  }
}
