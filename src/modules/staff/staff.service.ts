import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Conflict, FORM_LEVEL } from '../../common/errors/app-error';
import { ROLE_LABELS } from '../../common/view/navigation';
import { AuditService } from '../../platform/audit/audit.service';
import { AppEvents } from '../../platform/events/app-events.service';
import { PasswordResetService } from '../auth/password-reset/password-reset.service';
import { personTarget, type Person } from '../people/person.entity';
import { PeopleService, type StaffRow } from '../people/people.service';

export type StaffRole = 'operator' | 'helpdesk';

export interface NewStaff {
  email: string;
  name: string;
  role: StaffRole;
}

// Shown on the page of the form that asked, above it.
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });
const lastOperator = (person: Person) =>
  `${person.name} is the install's only active operator. Make someone else an operator first.`;

/**
 * Operators manage the install's staff (operators and helpdesk, who belong
 * to no organization): create them, disable and re-enable them, change their
 * role, send a password link. The install always keeps an active operator:
 * each change that could take the last one away is one conditional statement
 * (the people module's), so two operators disabling each other at once
 * cannot both succeed.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleService,
    private readonly resets: PasswordResetService,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
  ) {}

  list(): Promise<StaffRow[]> {
    return this.people.listStaff();
  }

  get(id: string): Promise<Person> {
    return this.people.getStaff(id);
  }

  /**
   * Creates a staff member with a password nobody knows and mails them a
   * link to choose their own (the link, the account and its audit entries
   * commit together).
   */
  async create(input: NewStaff): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.people.createPerson({
        email: input.email,
        name: input.name,
        role: input.role,
        organizationId: null,
        // Never shown or sent: the first password is the one they choose with the link.
        password: `${randomBytes(24).toString('base64url')}-${randomBytes(8).toString('hex')}`,
      });
      await this.resets.sendLink(person, 'staff_created', { roleLabel: ROLE_LABELS[person.role] });
      return person;
    });
  }

  /** Disables a staff member: they cannot sign in, and their sessions end. */
  async disable(byId: string, id: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(id);
      if (person.id === byId) throw refused('You cannot disable your own account. Ask another operator.');
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
    if (person.status !== 'active') throw refused(`${person.name}'s account is disabled: enable it first.`);
    await this.resets.sendLink(person, 'operator');
    return person;
  }
}
