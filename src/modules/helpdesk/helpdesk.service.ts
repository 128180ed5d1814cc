import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Conflict, FORM_LEVEL, Forbidden, NotFound } from '../../common/errors/app-error';
import type { Principal } from '../../common/http/principal';
import type { Page, PageRequest } from '../../common/pagination';
import { describeUserAgent } from '../../common/user-agent';
import { AuditLogService, type AuditExportRow } from '../../platform/audit/audit-log.service';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService } from '../../platform/mail/mail.service';
import { LockoutService } from '../auth/lockout/lockout.service';
import { PasswordResetService } from '../auth/password-reset/password-reset.service';
import { SessionsService } from '../auth/sessions/sessions.service';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { InvitationsService } from '../people/invitations.service';
import { PeopleService, type PersonSearchRow } from '../people/people.service';
import { personTarget, type Person } from '../people/person.entity';
import { PersonFinders } from './person-finders';

/** A reset link sent by support stays good for 12 hours (the person may read it the next morning). */
export const SUPPORT_RESET_LINK_SECONDS = 12 * 60 * 60;

/** The sign-in attempts shown on the account health page. */
export const ATTEMPTS_SHOWN = 20;
const SIGN_IN_ACTIONS = ['auth.login.succeeded', 'auth.login.failed'] as const;

export type HelpdeskAction = 'unlock' | 'send-reset' | 'reset-2fa' | 'end-sessions' | 'resend-invitation';

/** A search result: the person, their organization's name (null: staff) and how a finder found them. */
export interface FoundPerson extends PersonSearchRow {
  organizationName: string | null;
  foundBy?: string;
}

// What the other admins of an organization are told support did to one of them.
const ADMIN_NOTICES: Record<HelpdeskAction, string> = {
  unlock: 'it was unlocked',
  'send-reset': 'a link to choose a new password was sent to its owner',
  'reset-2fa': 'its two-factor sign-in was turned off',
  'end-sessions': 'it was signed out everywhere',
  'resend-invitation': 'a new invitation link was sent to its owner (the previous one stops working)',
};

// Shown on the form that asked, above it.
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });

/**
 * The helpdesk's work: find a person in any organization, see why they cannot
 * sign in, and get them back in (unlock, a reset link, two-factor off) or out
 * (end their sessions). Each action is one transaction: the change, its audit
 * entry with the agent's reason, and the mail to the person (and to the other
 * admins of their organization when they are one of its admins).
 *
 * Who may act on whom: helpdesk on organization admins and members only
 * (staff accounts are 403); operators on anyone but themselves. Nobody here
 * sees or sets a password, a secret or a recovery code, or changes a role.
 */
@Injectable()
export class HelpdeskService {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
    private readonly lockout: LockoutService,
    private readonly resets: PasswordResetService,
    private readonly twoFactor: TwoFactorService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly auditLog: AuditLogService,
    private readonly mail: MailService,
    private readonly invitations: InvitationsService,
    private readonly finders: PersonFinders,
    private readonly clock: Clock,
  ) {}

  /**
   * One page of people matching `text` across every organization (see
   * PeopleService.parseSearch), with what registered finders name first (on
   * the first page). Empty when there is nothing to look for.
   */
  async search(text: string, request: PageRequest): Promise<Page<FoundPerson> & { searched: boolean }> {
    const search = PeopleService.parseSearch(text);
    if (!search) return { rows: [], nextCursor: null, prevCursor: null, searched: false };
    const page = await this.people.search(search, request);
    const firstPage = request.after === null && request.before === null;
    const found = firstPage ? await this.finders.find(text.trim()) : [];
    const extra: (PersonSearchRow & { foundBy: string })[] = [];
    for (const { personId, foundBy } of found) {
      if (page.rows.some((row) => row.id === personId)) continue;
      const person = await this.people.findById(personId);
      if (person) extra.push({ ...searchRow(person), foundBy });
    }
    return { ...page, searched: true, rows: await this.withOrganizationNames([...extra, ...page.rows]) };
  }

  /** One page of everyone locked out now, the soonest lockout end first (the dashboard's "locked out now"). */
  async locked(request: PageRequest): Promise<Page<FoundPerson>> {
    const page = await this.people.lockedPage(request);
    return { ...page, rows: await this.withOrganizationNames(page.rows) };
  }

  private async withOrganizationNames<T extends PersonSearchRow>(rows: T[]): Promise<(T & FoundPerson)[]> {
    const ids = [...new Set(rows.map((row) => row.organizationId).filter((id): id is string => id !== null))];
    const names = ids.length ? await this.organizations.namesOf(ids) : new Map<string, string>();
    return rows.map((row) => ({
      ...row,
      organizationName: row.organizationId ? (names.get(row.organizationId) ?? null) : null,
    }));
  }

  /** A person the agent may look after; staff are an operator's to help (403), an unknown id is 404. */
  async person(actor: Principal, id: string): Promise<Person> {
    const person = await this.people.findById(id);
    if (!person) throw new NotFound('Person not found.');
    if (actor.role !== 'operator' && person.role !== 'admin' && person.role !== 'member') {
      throw new Forbidden('Staff accounts are looked after by an operator.');
    }
    return person;
  }

  /** Everything the account health page shows; counts only, never a secret or a code. */
  async health(actor: Principal, id: string) {
    const person = await this.person(actor, id);
    const now = +this.clock.now();
    const [organizationName, invitation, twoFactor, openSessions, attempts, changes] = await Promise.all([
      person.organizationId ? this.organizations.nameOf(person.organizationId) : Promise.resolve(null),
      person.status === 'invited' ? this.invitations.ofPerson(person.id) : Promise.resolve(null),
      this.twoFactor.status(person.id),
      this.sessions.listOpen(person.id),
      this.auditLog.forTarget(person.id, { actions: SIGN_IN_ACTIONS, limit: ATTEMPTS_SHOWN }),
      this.auditLog.forTarget(person.id, { except: SIGN_IN_ACTIONS, limit: ATTEMPTS_SHOWN }),
    ]);
    const lockedUntil = person.lockedUntil && +person.lockedUntil > now ? +person.lockedUntil : null;
    return {
      person,
      organizationName,
      invitation: invitation && { sentAt: invitation.sentAt, expiresAt: invitation.expiresAt },
      now,
      lockedUntil,
      failedSignIns: person.failedSignIns,
      // The failures since the last sign-in that worked, newest first: where they came from.
      failureAddresses: failureAddresses(attempts),
      twoFactor: { enabled: twoFactor.enabled, enabledAt: twoFactor.enabledAt, codesLeft: twoFactor.recoveryCodesLeft },
      sessions: openSessions.map((row) => ({
        device: describeUserAgent(row.userAgent),
        ipAddress: row.ipAddress,
        createdAt: new Date(row.createdAt),
        lastSeenAt: new Date(row.lastSeenAt),
      })),
      attempts,
      changes,
      mayAct: this.mayAct(actor, person),
    };
  }

  /** Whether the agent may act on this person: anyone they may see, but never their own account. */
  mayAct(actor: Principal, person: Person): boolean {
    return person.id !== actor.personId;
  }

  /** Lifts a lockout (and forgets the failures); tells the person. Returns whether a lockout was in force. */
  async unlock(actor: Principal, id: string, reason: string): Promise<{ person: Person; wasLocked: boolean }> {
    return this.em.transactional(async () => {
      const person = await this.actionable(actor, id);
      const wasLocked = await this.lockout.unlockAccount(person, reason);
      await this.mail.enqueue('helpdesk-unlocked', person.email, {
        name: person.name,
        at: +this.clock.now(),
        wasLocked,
        antiPhishingPhrase: person.antiPhishingPhrase,
      });
      await this.tellOtherAdmins(person, 'unlock');
      return { person, wasLocked };
    });
  }

  /** Mails the person a single-use link valid 12 hours to choose a new password (older links stop working). */
  async sendReset(actor: Principal, id: string, reason: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.actionable(actor, id);
      const link = await this.resets.issueLink(person.id, SUPPORT_RESET_LINK_SECONDS);
      await this.audit.record({
        action: 'user.password_reset_sent',
        target: personTarget(person),
        organizationId: person.organizationId,
        details: { reason, hours: SUPPORT_RESET_LINK_SECONDS / 3600 },
      });
      await this.mail.enqueue('helpdesk-reset-link', person.email, {
        name: person.name,
        token: link.token,
        hours: SUPPORT_RESET_LINK_SECONDS / 3600,
        at: +this.clock.now(),
        antiPhishingPhrase: person.antiPhishingPhrase,
      });
      await this.tellOtherAdmins(person, 'send-reset');
      return person;
    });
  }

  /** Turns two-factor off (lost phone): audited `user.2fa_reset`, the person mailed by the two-factor service. */
  async resetTwoFactor(actor: Principal, id: string, reason: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.actionable(actor, id);
      if (person.totpEnabledAt === null) throw refused(`Two-factor sign-in is not on for ${person.name}.`);
      await this.twoFactor.resetForPerson({ personId: person.id }, reason);
      await this.tellOtherAdmins(person, 'reset-2fa');
      return person;
    });
  }

  /** Ends every session of the person; they sign in again with what they have. Returns how many ended. */
  async endSessions(actor: Principal, id: string, reason: string): Promise<{ person: Person; count: number }> {
    return this.em.transactional(async () => {
      const person = await this.actionable(actor, id, { disabledToo: true });
      const count = await this.sessions.endAllOf(person.id, 'ended-by-support');
      await this.audit.record({
        action: 'user.sessions_ended',
        target: personTarget(person),
        organizationId: person.organizationId,
        details: { reason, count },
      });
      await this.mail.enqueue('helpdesk-sessions-ended', person.email, {
        name: person.name,
        at: +this.clock.now(),
        count,
        antiPhishingPhrase: person.antiPhishingPhrase,
      });
      await this.tellOtherAdmins(person, 'end-sessions');
      return { person, count };
    });
  }

  /**
   * Mails an invited person a new invitation link (the previous one stops
   * working): the mail is their notice. Audited `user.invitation_resent`
   * with the reason; anyone not invited (any more) is refused.
   */
  async resendInvitation(actor: Principal, id: string, reason: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.actionable(actor, id, { invited: true });
      if (person.status !== 'invited') {
        throw refused(`${person.name} has no open invitation: they accepted it already. Help them sign in instead.`);
      }
      await this.invitations.resend(person.organizationId, person.id, reason);
      await this.tellOtherAdmins(person, 'resend-invitation');
      return person;
    });
  }

  // The person, when the agent may act on them now. Only resending reaches an invited person.
  private async actionable(
    actor: Principal,
    id: string,
    options: { disabledToo?: boolean; invited?: boolean } = {},
  ): Promise<Person> {
    const person = await this.person(actor, id);
    if (!this.mayAct(actor, person)) {
      throw new Forbidden('This is your own account: use your account pages, or ask another operator.');
    }
    if (person.status === 'invited' && !options.invited) {
      throw refused(
        `${person.name} has not accepted their invitation yet and has no password or sessions: resend the invitation instead.`,
      );
    }
    if (person.status === 'disabled' && !options.disabledToo) {
      throw refused(
        `${person.name}'s account is disabled by their organization. Only an admin of the organization can enable it.`,
      );
    }
    return person;
  }

  private async tellOtherAdmins(person: Person, action: HelpdeskAction): Promise<void> {
    if (person.role !== 'admin' || !person.organizationId) return;
    const organizationName = await this.organizations.nameOf(person.organizationId);
    for (const admin of await this.people.activeAdminsOf(person.organizationId, person.id)) {
      await this.mail.enqueue('helpdesk-admin-notice', admin.email, {
        name: admin.name,
        personName: person.name,
        personEmail: person.email,
        organizationName,
        what: ADMIN_NOTICES[action],
        at: +this.clock.now(),
        antiPhishingPhrase: admin.antiPhishingPhrase,
      });
    }
  }
}

function searchRow(person: Person): PersonSearchRow {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    role: person.role,
    status: person.status,
    organizationId: person.organizationId,
    lastSignInAt: person.lastSignInAt ? +person.lastSignInAt : null,
    lockedUntil: person.lockedUntil ? +person.lockedUntil : null,
    totpEnabledAt: person.totpEnabledAt ? +person.totpEnabledAt : null,
    sortKey: person.email,
  };
}

/** The addresses the failures since the last successful sign-in came from, most recent first. */
function failureAddresses(attempts: readonly AuditExportRow[]): string[] {
  const addresses: string[] = [];
  for (const row of attempts) {
    if (row.action === 'auth.login.succeeded') break;
    const address = row.ip ?? 'unknown address';
    if (!addresses.includes(address)) addresses.push(address);
  }
  return addresses;
}
