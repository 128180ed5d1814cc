import { EntityManager, ForeignKeyConstraintViolationException } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound, type FieldErrors } from '../../common/errors/app-error';
import { PasswordHasher } from '../../common/security/password-hasher';
import { allPages, toPage, type Page, type PageRequest } from '../../common/pagination';
import { AppEvents } from '../../platform/events/app-events.service';
import { AuditService } from '../../platform/audit/audit.service';
import type { MailRecipient, MailRecipients } from '../../platform/mail/mail-recipients';
import type { MemberCounts, OrganizationPersonRow, OrganizationUsage } from '../organizations/member-counts';
import { PasswordPolicy } from './password-policy';
import {
  PeopleRepository,
  type AdminContactRow,
  type PeopleListFilter,
  type PeopleSearch,
  type PersonDetails,
  type PersonSearchRow,
  type PersonRow,
  type PrincipalRow,
  type SecurityProfileRow,
  type StaffRow,
} from './people.repository';

export type {
  AdminContactRow,
  PeopleSearch,
  PersonRow,
  PersonSearchRow,
  PrincipalRow,
  SecurityProfileRow,
  StaffRow,
} from './people.repository';
import { normalizeEmail, Person, personTarget, ROLES, type Role } from './person.entity';

export interface NewPerson {
  email: string;
  name: string;
  password: string;
  role: Role;
  organizationId?: string | null;
}

@Injectable()
export class PeopleService implements MailRecipients, MemberCounts {
  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
  ) {}

  /**
   * Creates an active person. Joins the caller's transaction when there is one
   * (setup creates the first organization and the operator together).
   */
  async createPerson(input: NewPerson): Promise<Person> {
    const email = normalizeEmail(input.email);
    const name = input.name.trim();
    const errors: FieldErrors = {};
    if (!isEmail(email)) errors.email = 'Enter an email address like name@example.com.';
    // Counted as the forms count it: characters, not UTF-16 units.
    if (name === '' || [...name].length > 120) errors.name = 'Enter a name of 1 to 120 characters.';
    if (!ROLES.includes(input.role)) errors.role = `Choose one of: ${ROLES.join(', ')}.`;
    if ((input.role === 'admin' || input.role === 'member') && !input.organizationId) {
      errors.organization = 'Organization admins and members belong to an organization: name one.';
    }
    if (input.role === 'helpdesk' && input.organizationId) {
      errors.organization = 'Helpdesk staff serve every organization and belong to none.';
    }
    if (input.role === 'operator' && input.organizationId) {
      errors.organization = 'Operators serve every organization and belong to none.';
    }
    const weak = await this.policy.check(input.password, { email, name });
    if (weak) errors.password = weak;
    if (Object.keys(errors).length === 0 && (await this.people.emailTaken(email))) {
      errors.email = 'A person with this email address already exists.';
    }
    if (Object.keys(errors).length > 0) throw new InputRefused(errors);

    const passwordHash = await this.hasher.hash(input.password);
    return this.em.transactional(async (em) => {
      // Checked again inside the transaction: the hash above took a while.
      if (await this.people.emailTaken(email)) {
        throw new InputRefused({ email: 'A person with this email address already exists.' });
      }
      const organizationId = input.organizationId ?? null;
      const person = new Person({ email, name, passwordHash, role: input.role, organizationId });
      person.createdAt = person.updatedAt = this.clock.now();
      this.people.add(person);
      try {
        await em.flush();
      } catch (err) {
        // The organization is the organizations module's: its foreign key answers for it.
        if (err instanceof ForeignKeyConstraintViolationException) throw new NotFound('Organization not found.');
        throw err;
      }
      await this.audit.record({
        action: 'user.created',
        target: personTarget(person),
        organizationId,
        details: { role: person.role },
      });
      this.events.emit('user.created', {
        personId: person.id,
        email: person.email,
        role: person.role,
        organizationId,
      });
      return person;
    });
  }

  /** One page of an organization's people (never staff), as filtered and sorted. */
  async listInOrg(orgId: string, filter: PeopleListFilter, request: PageRequest): Promise<Page<PersonRow>> {
    const search = filter.search?.trim().slice(0, 120) || undefined;
    const rows = await this.people.listInOrg(orgId, { ...filter, search }, request, this.clock.now().getTime());
    return toPage(rows, request, (row) => [row.sortKey, row.id]);
  }

  /** Who a two-factor reminder goes to. */
  activeWithoutTwoFactor(organizationId: string): Promise<{ id: string; email: string; name: string }[]> {
    return this.people.activeWithoutTwoFactor(organizationId);
  }

  /**
   * What a search box's text looks for across every organization: with an
   * `@`, the start of a sign-in address; otherwise the starts of words (up to
   * five) of a name or address, all of them. Null when there is nothing to
   * look for.
   */
  static parseSearch(text: string): PeopleSearch | null {
    const query = text.trim().slice(0, 120);
    if (query.includes('@')) return { by: 'email', prefix: normalizeEmail(query) };
    const words = query
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .slice(0, 5);
    return words.length > 0 ? { by: 'words', words } : null;
  }

  /** One page of people (every organization, and staff) matching `search`, through an index either way. */
  async search(search: PeopleSearch, request: PageRequest): Promise<Page<PersonSearchRow>> {
    return toPage(await this.people.search(search, request), request, (row) => [row.sortKey]);
  }

  /** One page of everyone locked out now (every organization, and staff), the soonest lockout end first. */
  async lockedPage(request: PageRequest): Promise<Page<PersonSearchRow>> {
    const rows = await this.people.lockedPage(+this.clock.now(), request);
    return toPage(rows, request, (row) => [row.lockedUntil!, row.id]);
  }

  /** People of one organization by id: name and address (the owner column of the device list). */
  async namesIn(orgId: string, ids: readonly string[]): Promise<Map<string, { name: string; email: string }>> {
    const rows = await this.people.namesIn(orgId, [...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
  }

  /** The other active admins of an organization (to tell them what support did to one of them). */
  activeAdminsOf(orgId: string, exceptId: string): Promise<AdminContactRow[]> {
    return this.people.activeAdminsOf(orgId, exceptId);
  }

  /** The active admins of each of these organizations (renewal reminders), keyed by organization id. */
  async activeAdminsByOrganization(orgIds: readonly string[]): Promise<Map<string, AdminContactRow[]>> {
    const byOrg = new Map<string, AdminContactRow[]>();
    for (const { organizationId, ...admin } of await this.people.activeAdminsOfOrganizations([...new Set(orgIds)])) {
      const list = byOrg.get(organizationId) ?? [];
      list.push(admin);
      byOrg.set(organizationId, list);
    }
    return byOrg;
  }

  /** Every person of the list as filtered and sorted, a batch at a time (the CSV download). */
  allInOrg(orgId: string, filter: PeopleListFilter, batch = 500): AsyncGenerator<PersonRow[]> {
    const search = filter.search?.trim().slice(0, 120) || undefined;
    const now = this.clock.now().getTime();
    return allPages(
      (request) => this.people.listInOrg(orgId, { ...filter, search }, request, now),
      (row) => [row.sortKey, row.id],
      batch,
    );
  }

  findById(id: string): Promise<Person | null> {
    return this.people.findById(id);
  }

  findForSignIn(email: string): Promise<Person | null> {
    return this.people.findForSignIn(email);
  }

  operatorExists(): Promise<boolean> {
    return this.people.operatorExists();
  }

  async recordSignIn(personId: string): Promise<void> {
    await this.people.recordSignIn(personId, this.clock.now());
  }

  principal(personId: string): Promise<PrincipalRow | undefined> {
    return this.people.principal(personId);
  }

  /** A plain row (no entity to be flushed back later) of what security features need. */
  securityProfile(by: { id: string } | { email: string }): Promise<SecurityProfileRow | undefined> {
    return this.people.securityProfile(by);
  }

  passwordHashOf(personId: string): Promise<string | null> {
    return this.people.passwordHash(personId);
  }

  emailTaken(email: string, exceptId?: string): Promise<boolean> {
    return this.people.emailTaken(email, exceptId);
  }

  /** Name, email, phrase, backup email: the caller checked them and holds the transaction. */
  updateDetails(personId: string, changes: PersonDetails, now: Date): Promise<void> {
    return this.people.updateDetails(personId, changes, now);
  }

  /** The organizations module's list shows how many people each organization has (MemberCounts). */
  countByOrganizations(organizationIds: readonly string[]): Promise<Map<string, number>> {
    return this.people.countByOrganizations(organizationIds);
  }

  /** An organization's page: how its accounts are used (MemberCounts). */
  usageOf(organizationId: string): Promise<OrganizationUsage> {
    return this.people.usageOf(organizationId, +this.clock.now());
  }

  /** An organization's page: its first people by name (MemberCounts). */
  firstPeopleOf(organizationId: string, limit: number): Promise<OrganizationPersonRow[]> {
    return this.people.firstInOrg(organizationId, limit);
  }

  /** Everyone of an organization (a suspension ends their sessions). */
  idsInOrganization(organizationId: string): Promise<string[]> {
    return this.people.idsInOrg(organizationId);
  }

  /** One page (by name, then id) of the install's operators and helpdesk, optionally searched. */
  async listStaff(search: string | undefined, request: PageRequest): Promise<Page<StaffRow>> {
    const text = search?.trim().slice(0, 120) || undefined;
    return toPage(await this.people.listStaff(text, request), request, (row) => [row.name, row.id]);
  }

  async getStaff(id: string): Promise<Person> {
    const person = await this.people.findStaff(id);
    if (!person) throw new NotFound('Staff member not found.');
    return person;
  }

  /**
   * Disables or re-enables a staff member in one conditional statement:
   * false when disabling would leave the install without an active operator.
   * The caller holds the transaction, audits and emits.
   */
  async setStaffStatus(id: string, status: 'active' | 'disabled'): Promise<boolean> {
    return (await this.people.setStaffStatus(id, status, +this.clock.now())) === 1;
  }

  /** As setStaffStatus, for the role: false when demoting the last active operator. */
  async setStaffRole(id: string, role: 'operator' | 'helpdesk'): Promise<boolean> {
    return (await this.people.setStaffRole(id, role, +this.clock.now())) === 1;
  }

  /** Everyone locked out now (a count, and the first `limit`, soonest lockout end first): the helpdesk's dashboard. */
  lockedNow(limit: number) {
    return this.people.lockedNow(+this.clock.now(), limit);
  }

  /** Active people and how many of them have two-factor on, install-wide (operators' dashboard). */
  twoFactorCoverage(): Promise<{ active: number; withTwoFactor: number }> {
    return this.people.twoFactorCoverage();
  }

  countActiveWithoutTwoFactor(organizationId: string): Promise<number> {
    return this.people.countActiveWithoutTwoFactor(organizationId);
  }

  /** Two-factor turned on (when) or off (null); the secrets are the auth module's. */
  setTwoFactorEnabledAt(personId: string, at: Date | null): Promise<void> {
    return this.people.setTwoFactorEnabledAt(personId, at ? +at : null, +this.clock.now());
  }

  /** The mail outbox asks who reads each address: their phrase and time zone (MailRecipients). */
  recipients(addresses: readonly string[]): Promise<Map<string, MailRecipient>> {
    return this.people.mailRecipients(addresses);
  }

  /** Hashes a new password (argon2: tens of ms), to hand to setPassword() inside a transaction. */
  async hashPassword(password: string): Promise<HashedPassword> {
    return new HashedPassword(await this.hasher.hash(password));
  }

  /**
   * Stores a new password (already checked against the policy by the caller)
   * and when it changed. Pass hashPassword()'s result when inside a
   * transaction, so the slow hash does not hold the database.
   */
  async setPassword(personId: string, password: string | HashedPassword): Promise<void> {
    const hashed = password instanceof HashedPassword ? password : await this.hashPassword(password);
    await this.people.setPasswordHash(personId, hashed.value, this.clock.now());
  }
}

/** A password hash made by PeopleService.hashPassword(): never a plain password by mistake. */
export class HashedPassword {
  constructor(readonly value: string) {}
}
