import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Conflict, FORM_LEVEL } from '../../common/errors/app-error';
import type { Page, PageRequest } from '../../common/pagination';
import { AuditService } from '../../platform/audit/audit.service';
import { AppEvents } from '../../platform/events/app-events.service';
import { PasswordResetService } from '../auth/password-reset/password-reset.service';
import { InvitationsService, type Inviter } from '../people/invitations.service';
import { personTarget, type Person } from '../people/person.entity';
import { PeopleService, type StaffRow } from '../people/people.service';

export type StaffRole = 'operator' | 'helpdesk';

export interface NewStaff {
  email: string;
  /** Optional: they choose their own name when they accept. */
  name?: string;
  role: StaffRole;
}

/** An open invitation of a staff member, as their page shows it. */
export interface StaffInvitation {
  sentAt: number;
  expiresAt: number;
}

// Shown on the page of the form that asked, above it.
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });
const lastOperator = (person: Person) =>
  `${person.name} is the install's only active operator. Make someone else an operator first.`;
const notAccepted = (person: Person, instead: string) =>
  `${person.name} has not accepted the invitation yet: ${instead}`;

// Operators invite staff: no organization, a staff role.
const staffInviter = (operatorId: string): Inviter => ({
  personId: operatorId,
  organizationId: null,
  grantable: ['operator', 'helpdesk'],
});

/**
 * Operators manage the install's staff (operators and helpdesk, who belong
 * to no organization): invite them (the people module's invitations, as org
 * admins invite their people), disable and re-enable them, change their
 * role, send a password link. An invited staff member has no password and
 * is never an active operator: their role and status stay as invited until
 * they accept, or the invitation is revoked. The install always keeps an
 * active operator: each change that could take the last one away is one
 * conditional statement (the people module's), so two operators disabling
 * each other at once cannot both succeed.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleService,
    private readonly resets: PasswordResetService,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
  ) {}

  /** One page of the staff list, by name, optionally narrowed by `search`. */
  list(search: string | undefined, request: PageRequest): Promise<Page<StaffRow>> {
    return this.people.listStaff(search, request);
  }

  get(id: string): Promise<Person> {
    return this.people.getStaff(id);
  }

  /** The open invitation of an invited staff member; null once they accepted (or for anyone else). */
  async invitationOf(person: Person): Promise<StaffInvitation | null> {
    if (person.status !== 'invited') return null;
    const invitation = await this.invitations.ofPerson(person.id);
    return invitation && { sentAt: invitation.sentAt, expiresAt: invitation.expiresAt };
  }

  /**
   * Invites a staff member: they exist as `invited` with no password, and
   * the link to choose their name and password is mailed to them (audited
   * `user.invited` with the mail, in one transaction).
   */
  invite(operatorId: string, input: NewStaff): Promise<{ id: string; email: string; name: string }> {
    return this.invitations.invite(staffInviter(operatorId), input);
  }

  /** A new invitation link by email; the previous one stops working. */
  resendInvitation(id: string) {
    return this.invitations.resend(null, id);
  }

  /** Withdraws a staff invitation: the invited person is removed. */
  revokeInvitation(id: string) {
    return this.invitations.revoke(null, id);
  }

  /** Disables a staff member: they cannot sign in, and their sessions end. */
  async disable(byId: string, id: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(id);
      if (person.id === byId) throw refused('You cannot disable your own account. Ask another operator.');
      if (person.status === 'invited') throw refused(notAccepted(person, 'revoke the invitation instead.'));
      if (person.status === 'disabled') return person;
      if (!(await this.people.setStaffStatus(id, 'disabled'))) throw refused(lastOperator(person));
      await this.audit.record({
        action: 'user.disabled',
        target: personTarget(person),
        details: { role: person.role },
      });
      this.events.emit('user.disabled', { personId: id, organizationId: null });
      return person;
    });
  }

  async enable(id: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(id);
      if (person.status === 'active') return person;
      if (person.status === 'invited') throw refused(notAccepted(person, 'they sign in once they accept it.'));
      await this.people.setStaffStatus(id, 'active');
      await this.audit.record({ action: 'user.enabled', target: personTarget(person), details: { role: person.role } });
      return person;
    });
  }

  /** Operator or helpdesk; the last active operator cannot be made helpdesk. */
  async changeRole(id: string, role: StaffRole): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(id);
      const from = person.role;
      if (from === role) return person;
      // Their page shows no role form while invited: the refusal goes above the page's forms.
      if (person.status === 'invited') {
        throw refused(notAccepted(person, 'revoke it and invite them again with the other role.'));
      }
      if (!(await this.people.setStaffRole(id, role))) {
        throw new Conflict(lastOperator(person), { role: lastOperator(person) });
      }
      await this.audit.record({
        action: 'user.role_changed',
        target: personTarget(person),
        details: { from, to: role },
      });
      this.events.emit('user.role_changed', { personId: id, organizationId: null, from, to: role });
      return person;
    });
  }

  /** Mails the staff member a link to choose a new password (older links stop working). */
  async sendResetLink(id: string): Promise<Person> {
    const person = await this.get(id);
    if (person.status === 'invited') throw refused(notAccepted(person, 'resend the invitation instead.'));
    if (person.status !== 'active') throw refused(`${person.name}'s account is disabled: enable it first.`);
    await this.resets.sendLink(person);
    return person;
  }
}
