import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Conflict, FORM_LEVEL, NotFound } from '../../common/errors/app-error';
import { AuditService } from '../../platform/audit/audit.service';
import { AppEvents } from '../../platform/events/app-events.service';
import { PeopleRepository } from './people.repository';
import { Person, personTarget } from './person.entity';

export type MemberRole = 'admin' | 'member';

/** Who acts: the signed-in org admin. */
export interface ActingAdmin {
  personId: string;
  orgId: string;
}

const lastAdmin = (person: Person) =>
  `${person.name} is the organization's only active admin. Make someone else an admin first.`;
const notYet = (person: Person) =>
  `${person.name} has not accepted the invitation yet: resend it, or revoke it to remove them.`;
// Shown on the page of the form that asked, above it.
const refused = (message: string) => new Conflict(message, { [FORM_LEVEL]: message });

/**
 * An organization admin's changes to their organization's people: role,
 * disabling and re-enabling, removal. Every change is one conditional
 * statement that keeps the organization an active admin, audited in the same
 * transaction; staff (operators, helpdesk) are never reachable from here.
 * The entities returned are as they were before the change (the statements
 * write the row; the entity is left untouched so the flush writes nothing).
 */
@Injectable()
export class OrgMembersService {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
  ) {}

  /** A member or admin of the acting admin's organization; anyone else is not found. */
  async get(orgId: string, id: string): Promise<Person> {
    const person = await this.people.findMemberInOrg(orgId, id);
    if (!person) throw new NotFound('Person not found.');
    return person;
  }

  async changeRole(by: ActingAdmin, id: string, role: MemberRole): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(by.orgId, id);
      const from = person.role;
      if (from === role) return person;
      const changed = await this.people.setRoleInOrg(by.orgId, id, role, +this.clock.now());
      if (changed === 0) throw new Conflict(lastAdmin(person), { role: lastAdmin(person) });
      await this.audit.record({
        action: 'user.role_changed',
        target: personTarget(person),
        organizationId: by.orgId,
        details: { from, to: role },
      });
      this.events.emit('user.role_changed', { personId: id, organizationId: by.orgId, from, to: role });
      return person;
    });
  }

  /** Disables a member: they cannot sign in, and their sessions end. */
  async disable(by: ActingAdmin, id: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(by.orgId, id);
      if (person.id === by.personId) {
        throw refused('You cannot disable your own account. Ask another admin.');
      }
      if (person.status === 'invited') throw refused(notYet(person));
      if (person.status === 'disabled') return person;
      const changed = await this.people.setStatusInOrg(by.orgId, id, 'disabled', +this.clock.now());
      if (changed === 0) throw refused(lastAdmin(person));
      await this.audit.record({ action: 'user.disabled', target: personTarget(person), organizationId: by.orgId });
      this.events.emit('user.disabled', { personId: id, organizationId: by.orgId });
      return person;
    });
  }

  async enable(by: ActingAdmin, id: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(by.orgId, id);
      if (person.status === 'invited') throw refused(notYet(person));
      if (person.status === 'active') return person;
      await this.people.setStatusInOrg(by.orgId, id, 'active', +this.clock.now());
      await this.audit.record({ action: 'user.enabled', target: personTarget(person), organizationId: by.orgId });
      return person;
    });
  }

  /** Removes a member for good; the audit keeps what they did, under their email. */
  async remove(by: ActingAdmin, id: string): Promise<Person> {
    return this.em.transactional(async () => {
      const person = await this.get(by.orgId, id);
      if (person.id === by.personId) {
        throw refused('You cannot remove your own account. Ask another admin.');
      }
      const removed = await this.people.removeFromOrg(by.orgId, id);
      if (removed === 0) throw refused(lastAdmin(person));
      await this.audit.record({
        action: 'user.removed',
        target: personTarget(person),
        organizationId: by.orgId,
        details: { role: person.role },
      });
      this.events.emit('user.removed', { personId: id, organizationId: by.orgId, email: person.email });
      return person;
    });
  }
}
