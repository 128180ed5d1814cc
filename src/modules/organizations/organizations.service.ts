import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Conflict, FORM_LEVEL, InputRefused, NotFound, type FieldErrors } from '../../common/errors/app-error';
import { APP_CONFIG } from '../../common/config.module';
import type { AppConfig } from '../../config/app.config';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import { AppEvents } from '../../platform/events/app-events.service';
import { AuditService } from '../../platform/audit/audit.service';
import type { OrganizationNames } from '../../platform/audit/organization-names';
import type { OrganizationTimeZones } from '../../platform/mail/mail-recipients';
import { MemberCounts, type OrganizationPersonRow, type OrganizationUsage } from './member-counts';
import { Organization } from './organization.entity';
import { OrganizationsRepository, type OrganizationRow } from './organizations.repository';

export interface OrganizationSettingsInput {
  name: string;
  /** Null: the install's. */
  passwordMinLength: number | null;
  /** Null: the install's. */
  sessionIdleSeconds: number | null;
  /** The default time zone of its people; null: the install's. */
  timeZone: string | null;
}

// The audit's names for the settings (a detail never has "password" in its name).
const DETAIL_NAMES = {
  name: 'name',
  passwordMinLength: 'minLength',
  sessionIdleSeconds: 'idleSeconds',
  timeZone: 'timeZone',
} as const;

const NAME_TAKEN = 'An organization with this name already exists.';

/** What signing in needs to know of a person's organization. */
export interface SignInRules {
  requiresTwoFactor: boolean;
  /** Suspended: its people cannot sign in, and their sessions are refused. */
  suspended: boolean;
  name: string | null;
  /** Its own idle timeout (at most the install's); null: the install's. */
  sessionIdleSeconds: number | null;
  /** Its people's default time zone; null: the install's. */
  timeZone: string | null;
}

const NO_RULES: SignInRules = {
  requiresTwoFactor: false,
  suspended: false,
  name: null,
  sessionIdleSeconds: null,
  timeZone: null,
};

/** An organization's page: the organization, how its accounts are used, its first people. */
export interface OrganizationOverview {
  org: Organization;
  usage: OrganizationUsage;
  people: OrganizationPersonRow[];
}

function cleanName(name: string): string {
  const clean = (name ?? '').trim().replace(/\s+/g, ' ');
  if (clean === '' || [...clean].length > 120) throw new InputRefused({ name: 'Enter a name of 1 to 120 characters.' });
  return clean;
}

@Injectable()
export class OrganizationsService implements OrganizationNames, OrganizationTimeZones {
  constructor(
    private readonly em: EntityManager,
    private readonly orgs: OrganizationsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly members: MemberCounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(request: PageRequest, search?: string): Promise<Page<OrganizationRow & { peopleCount: number }>> {
    const term = search?.trim().slice(0, 120) || undefined;
    const page = toPage(await this.orgs.list(request, term), request, (row) => [row.name, row.id]);
    // One count query for the page's organizations, from the people module.
    const counts = await this.members.countByOrganizations(page.rows.map((row) => row.id));
    return { ...page, rows: page.rows.map((row) => ({ ...row, peopleCount: counts.get(row.id) ?? 0 })) };
  }

  findById(id: string): Promise<Organization | null> {
    return this.orgs.findById(id);
  }

  /** For the operators' audit pages (OrganizationNames). */
  namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    return this.orgs.namesOf(ids);
  }

  /** How many organizations the install has (operators' dashboard). */
  count(): Promise<number> {
    return this.orgs.count();
  }

  nameOf(id: string): Promise<string | null> {
    return this.orgs.nameOf(id);
  }

  /** The organization's default time zone for its people's mail and pages, or null (OrganizationTimeZones). */
  timeZoneOf(organizationId: string): Promise<string | null> {
    return this.orgs.timeZoneOf(organizationId);
  }

  /** The organization's own minimum password length, or null for the install's (and for no organization). */
  passwordMinLength(organizationId: string | null): Promise<number | null> {
    return organizationId ? this.orgs.passwordMinLength(organizationId) : Promise.resolve(null);
  }

  /**
   * An organization admin's settings: name, minimum password length (never
   * below the install's), idle timeout (never above the install's). Null
   * means the install's value. Audited with what changed.
   */
  async updateSettings(id: string, input: OrganizationSettingsInput): Promise<boolean> {
    const errors: FieldErrors = {};
    const name = cleanName(input.name);
    const { passwordMinLength, sessionIdleSeconds, timeZone } = input;
    if (passwordMinLength !== null && (passwordMinLength < this.config.passwordMinLength || passwordMinLength > 64)) {
      errors.passwordMinLength = `Choose from ${this.config.passwordMinLength} (this install's minimum) to 64 characters.`;
    }
    const maxIdleMinutes = Math.floor(this.config.sessionIdleSeconds / 60);
    if (
      sessionIdleSeconds !== null &&
      (sessionIdleSeconds < 60 || sessionIdleSeconds > this.config.sessionIdleSeconds)
    ) {
      errors.sessionIdleMinutes = `Choose from 1 to ${maxIdleMinutes} minutes (this install's idle timeout).`;
    }
    if (Object.keys(errors).length > 0) throw new InputRefused(errors);
    return this.em.transactional(async (em) => {
      const org = await this.get(id);
      if (await this.orgs.nameTaken(name, id)) throw new InputRefused({ name: NAME_TAKEN });
      const before = {
        name: org.name,
        passwordMinLength: org.passwordMinLength,
        sessionIdleSeconds: org.sessionIdleSeconds,
        timeZone: org.timeZone,
      };
      const after = { name, passwordMinLength, sessionIdleSeconds, timeZone };
      const changed = (Object.keys(after) as (keyof typeof after)[]).filter((key) => before[key] !== after[key]);
      if (changed.length === 0) return false;
      if (name !== org.name) org.rename(name);
      org.passwordMinLength = passwordMinLength;
      org.sessionIdleSeconds = sessionIdleSeconds;
      org.timeZone = timeZone;
      await em.flush();
      await this.audit.record({
        action: 'organization.settings_changed',
        target: { type: 'organization', id: org.id, label: org.name },
        organizationId: org.id,
        // What changed, and every setting as it now is (null: the install's).
        details: {
          changed: changed.map((key) => DETAIL_NAMES[key]),
          name,
          minLength: passwordMinLength,
          idleSeconds: sessionIdleSeconds,
          timeZone,
        },
      });
      if (changed.includes('name')) {
        this.events.emit('organization.renamed', { organizationId: org.id, name, previousName: before.name });
      }
      return true;
    });
  }

  /** Whether people of this organization must use two-factor (false for no organization). */
  requiresTwoFactor(organizationId: string | null): Promise<boolean> {
    return organizationId ? this.orgs.requiresTwoFactor(organizationId) : Promise.resolve(false);
  }

  /**
   * Sign-in's and the session lookup's one read of a person's organization
   * (nothing for no organization: staff). An organization that no longer
   * exists signs no one in.
   */
  async signInRules(organizationId: string | null): Promise<SignInRules> {
    if (!organizationId) return NO_RULES;
    const row = await this.orgs.signInRules(organizationId);
    if (!row) return { ...NO_RULES, suspended: true };
    return {
      requiresTwoFactor: row.required === 1,
      suspended: row.suspended === 1,
      name: row.name,
      sessionIdleSeconds: row.sessionIdleSeconds,
      timeZone: row.timeZone,
    };
  }

  /** The organization, its usage counts and its first `limit` people (operators' organization page). */
  async overview(id: string, limit: number): Promise<OrganizationOverview> {
    const org = await this.get(id);
    const [usage, people] = await Promise.all([
      this.members.usageOf(org.id),
      this.members.firstPeopleOf(org.id, limit),
    ]);
    return { org, usage, people };
  }

  /**
   * Suspends an organization: its people cannot sign in and their sessions
   * end (the auth module listens for the event); nothing is deleted. One
   * conditional statement; audited. Already suspended: refused (409).
   */
  async suspend(id: string): Promise<Organization> {
    return this.em.transactional(async () => {
      const org = await this.get(id);
      const changed = await this.orgs.suspend(id, +this.clock.now());
      if (changed === 0)
        throw new Conflict('This organization is already suspended.', {
          [FORM_LEVEL]: 'This organization is already suspended.',
        });
      await this.audit.record({
        action: 'organization.suspended',
        target: { type: 'organization', id: org.id, label: org.name },
        organizationId: org.id,
      });
      this.events.emit('organization.suspended', { organizationId: org.id, name: org.name });
      return org;
    });
  }

  /** Lifts a suspension: its people can sign in again. Audited; nothing happens when it was not suspended. */
  async reactivate(id: string): Promise<{ org: Organization; changed: boolean }> {
    return this.em.transactional(async () => {
      const org = await this.get(id);
      const changed = (await this.orgs.reactivate(id, +this.clock.now())) === 1;
      if (changed) {
        await this.audit.record({
          action: 'organization.reactivated',
          target: { type: 'organization', id: org.id, label: org.name },
          organizationId: org.id,
        });
        this.events.emit('organization.reactivated', { organizationId: org.id, name: org.name });
      }
      return { org, changed };
    });
  }

  /**
   * An organization admin requires (or stops requiring) two-factor for their
   * organization: members without it are held at enrolment from their next
   * sign-in. Audited only when it changes.
   */
  async setTwoFactorRequirement(organizationId: string, required: boolean): Promise<boolean> {
    return this.em.transactional(async (em) => {
      const org = await this.get(organizationId);
      if (org.requireTwoFactor === required) return false;
      org.requireTwoFactor = required;
      await em.flush();
      await this.audit.record({
        action: required ? 'organization.two_factor_required' : 'organization.two_factor_not_required',
        target: { type: 'organization', id: org.id, label: org.name },
        organizationId: org.id,
      });
      return true;
    });
  }

  async get(id: string): Promise<Organization> {
    const org = await this.orgs.findById(id);
    if (!org) throw new NotFound('Organization not found.');
    return org;
  }

  findByName(name: string): Promise<Organization | null> {
    return this.orgs.findByName(name);
  }

  /** Joins the caller's transaction when there is one (setup). */
  async create(name: string): Promise<Organization> {
    const clean = cleanName(name);
    return this.em.transactional(async (em) => {
      if (await this.orgs.nameTaken(clean)) throw new InputRefused({ name: NAME_TAKEN });
      const org = new Organization(clean);
      org.createdAt = org.updatedAt = this.clock.now();
      this.orgs.add(org);
      await em.flush();
      await this.audit.record({
        action: 'organization.created',
        target: { type: 'organization', id: org.id, label: org.name },
        organizationId: org.id,
      });
      this.events.emit('organization.created', { organizationId: org.id, name: org.name });
      return org;
    });
  }

  async rename(id: string, name: string): Promise<Organization> {
    const clean = cleanName(name);
    return this.em.transactional(async (em) => {
      const org = await this.get(id);
      if (await this.orgs.nameTaken(clean, id)) throw new InputRefused({ name: NAME_TAKEN });
      const previousName = org.name;
      if (previousName === clean) return org;
      org.rename(clean);
      await em.flush();
      await this.audit.record({
        action: 'organization.renamed',
        target: { type: 'organization', id: org.id, label: clean },
        organizationId: org.id,
        details: { previousName },
      });
      this.events.emit('organization.renamed', { organizationId: org.id, name: clean, previousName });
      return org;
    });
  }
}
