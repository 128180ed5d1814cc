import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { keysetClause, likeContains, type PageRequest } from '../../common/pagination';
import { normalizeEmail, Person, type PersonStatus, type Role } from './person.entity';
import { placeholders, Sql } from '../../platform/database/sql';

export interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  lastSignInAt: number | null;
  lockedUntil: number | null;
  totpEnabledAt: number | null;
  /** The value the list is sorted by (the keyset cursor's first half). */
  sortKey: string | number;
}

export const PEOPLE_SORTS = ['name', 'email', 'role', 'lastSignIn'] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];
export const PEOPLE_STATUS_FILTERS = ['active', 'locked', 'disabled', 'invited'] as const;
export type PeopleStatusFilter = (typeof PEOPLE_STATUS_FILTERS)[number];

/** What an organization's people list is narrowed and ordered by. */
export interface PeopleListFilter {
  search?: string;
  role?: 'admin' | 'member';
  status?: PeopleStatusFilter;
  twoFactor?: 'on' | 'off';
  sort: PeopleSort;
  direction: 'asc' | 'desc';
}

// Each with an index on (organization_id, <column>, id): see the people_list migration.
const SORT_COLUMNS: Record<PeopleSort, string> = {
  name: 'p.name',
  email: 'p.email',
  role: 'p.role',
  lastSignIn: 'coalesce(p.last_sign_in_at, 0)',
};

/** People per organization for `count` organization ids (also run by bench/floor.ts). */
export const peopleCountSql = (count: number) =>
  `select organization_id as organizationId, count(*) as n from people
    where organization_id in (${placeholders(count)}) group by organization_id`;

/** What two-factor and its mail need of a person (the secrets are the auth module's). */
export interface SecurityProfileRow {
  id: string;
  email: string;
  name: string;
  status: string;
  role: Role;
  organizationId: string | null;
  totpEnabledAt: number | null;
  antiPhishingPhrase: string | null;
}

// True for a row whose change cannot leave its organization without an active
// admin: it is not one, or another is. Part of the one statement that makes
// the change, so two admins demoting each other at once cannot both succeed.
const KEEPS_AN_ACTIVE_ADMIN = `(role <> 'admin' or status <> 'active' or exists (
  select 1 from people other where other.organization_id = people.organization_id and other.id <> people.id
     and other.role = 'admin' and other.status = 'active'))`;

const SECURITY_PROFILE = `select id, email, name, status, role, organization_id as organizationId,
  totp_enabled_at as totpEnabledAt, anti_phishing_phrase as antiPhishingPhrase from people`;

/** What a session knows of its person. */
export interface PrincipalRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  organizationId: string | null;
}

export type PersonDetails = Partial<
  Pick<Person, 'name' | 'email' | 'antiPhishingPhrase' | 'backupEmail' | 'backupEmailConfirmedAt'>
>;

/** Queries about people. Never flushes: the service owns the transaction. */
@Injectable()
export class PeopleRepository {
  constructor(
    private readonly sql: Sql,
    private readonly em: EntityManager,
  ) {}

  findById(id: string): Promise<Person | null> {
    return this.em.findOne(Person, { id });
  }

  /** With the password hash, for the sign-in check. */
  findForSignIn(email: string): Promise<Person | null> {
    return this.em.findOne(Person, { email: normalizeEmail(email) }, { populate: ['passwordHash'] });
  }

  /** Whether someone (other than `exceptId`) signs in with this address. */
  async emailTaken(email: string, exceptId?: string): Promise<boolean> {
    const row = await this.sql.get(
      `select 1 as found from people where email = ?${exceptId ? ' and id <> ?' : ''} limit 1`,
      exceptId ? [normalizeEmail(email), exceptId] : [normalizeEmail(email)],
    );
    return row !== undefined;
  }

  /** What a session needs of its person on every request: one primary-key read. */
  principal(id: string): Promise<PrincipalRow | undefined> {
    return this.sql.get<PrincipalRow>(
      `select id, name, email, role, status, organization_id as organizationId from people where id = ?`,
      [id],
    );
  }

  securityProfile(by: { id: string } | { email: string }): Promise<SecurityProfileRow | undefined> {
    return 'id' in by
      ? this.sql.get<SecurityProfileRow>(`${SECURITY_PROFILE} where id = ?`, [by.id])
      : this.sql.get<SecurityProfileRow>(`${SECURITY_PROFILE} where email = ?`, [normalizeEmail(by.email)]);
  }

  async passwordHash(id: string): Promise<string | null> {
    const row = await this.sql.get<{ hash: string }>('select password_hash as hash from people where id = ?', [id]);
    return row?.hash ?? null;
  }

  /** People per organization, for the given organizations only. */
  async countByOrganizations(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.all<{ organizationId: string; n: number }>(peopleCountSql(ids.length), ids);
    return new Map(rows.map((row) => [row.organizationId, row.n]));
  }

  async countActiveWithoutTwoFactor(organizationId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      `select count(*) as n from people where organization_id = ? and status = 'active' and totp_enabled_at is null`,
      [organizationId],
    );
    return row?.n ?? 0;
  }

  async setTwoFactorEnabledAt(id: string, at: number | null, now: number): Promise<void> {
    await this.sql.run('update people set totp_enabled_at = ?, updated_at = ? where id = ?', [at, now, id]);
  }

  // Their sign-in email, or else their confirmed backup email when exactly one
  // person has confirmed it. One statement over two indexes (email, backup_email).
  async phraseForAddress(address: string): Promise<string | null> {
    const rows = await this.sql.all<{ phrase: string | null; backup: number }>(
      `select anti_phishing_phrase as phrase, 0 as backup from people where email = ?
       union all
       select * from (select anti_phishing_phrase, 1 from people
         where backup_email = ? and backup_email_confirmed_at is not null limit 2)`,
      [address.toLowerCase(), address.toLowerCase()],
    );
    const own = rows.find((row) => row.backup === 0);
    if (own) return own.phrase;
    return rows.length === 1 ? rows[0].phrase : null;
  }

  async updateDetails(id: string, changes: PersonDetails, now: Date): Promise<void> {
    await this.em.nativeUpdate(Person, { id }, { ...changes, updatedAt: now });
  }

  async recordSignIn(id: string, now: Date): Promise<void> {
    await this.em.nativeUpdate(Person, { id }, { lastSignInAt: now });
  }

  async setPasswordHash(id: string, hash: string, now: Date): Promise<void> {
    await this.em.nativeUpdate(Person, { id }, { passwordHash: hash, passwordChangedAt: now });
  }

  async operatorExists(): Promise<boolean> {
    const rows = await this.sql.all<{ found: number }>(`select 1 as found from people where role = 'operator' limit 1`);
    return rows.length > 0;
  }

  /** One keyset page of an organization's people (never staff), filtered and sorted; plain rows. */
  listInOrg(orgId: string, filter: PeopleListFilter, request: PageRequest, now: number): Promise<PersonRow[]> {
    const where = [`p.organization_id = ?`, `p.role in ('admin', 'member')`];
    const params: unknown[] = [orgId];
    if (filter.search) {
      where.push(`(p.name like ? escape '\\' or p.email like ? escape '\\')`);
      params.push(likeContains(filter.search), likeContains(filter.search.toLowerCase()));
    }
    if (filter.role) {
      where.push('p.role = ?');
      params.push(filter.role);
    }
    switch (filter.status) {
      case 'active':
        where.push(`p.status = 'active' and (p.locked_until is null or p.locked_until <= ?)`);
        params.push(now);
        break;
      case 'locked':
        where.push(`p.status = 'active' and p.locked_until > ?`);
        params.push(now);
        break;
      case 'disabled':
        where.push(`p.status = 'disabled'`);
        break;
      case 'invited':
        where.push(`p.status = 'invited'`);
        break;
      case undefined:
        break;
    }
    if (filter.twoFactor) where.push(`p.totp_enabled_at is ${filter.twoFactor === 'on' ? 'not null' : 'null'}`);
    const column = SORT_COLUMNS[filter.sort];
    const keyset = keysetClause(request, column, 'p.id', filter.direction);
    if (keyset.where) {
      where.push(keyset.where);
      params.push(...keyset.params);
    }
    return this.sql.all<PersonRow>(
      `select p.id, p.name, p.email, p.role, p.status, p.last_sign_in_at as lastSignInAt,
              p.locked_until as lockedUntil, p.totp_enabled_at as totpEnabledAt, ${column} as sortKey
         from people p
        where ${where.join(' and ')}
        order by ${keyset.orderBy}
        limit ?`,
      [...params, request.limit + 1],
    );
  }

  /** A member or admin of this organization (never staff): another organization's person is not found. */
  findMemberInOrg(orgId: string, id: string): Promise<Person | null> {
    return this.em.findOne(Person, { id, organizationId: orgId, role: { $in: ['admin', 'member'] } });
  }

  /** Sets a member's role, unless that leaves the organization without an active admin; 1 or 0 rows. */
  async setRoleInOrg(orgId: string, id: string, role: 'admin' | 'member', now: number): Promise<number> {
    const guard = role === 'admin' ? '' : ` and ${KEEPS_AN_ACTIVE_ADMIN}`;
    const result = await this.sql.run(
      `update people set role = ?, updated_at = ?
        where id = ? and organization_id = ? and role in ('admin', 'member')${guard}`,
      [role, now, id, orgId],
    );
    return result.changes;
  }

  /** Disables or re-enables a member; disabling keeps an active admin. 1 or 0 rows. */
  async setStatusInOrg(orgId: string, id: string, status: PersonStatus, now: number): Promise<number> {
    const guard = status === 'disabled' ? ` and ${KEEPS_AN_ACTIVE_ADMIN}` : '';
    const result = await this.sql.run(
      `update people set status = ?, updated_at = ?
        where id = ? and organization_id = ? and role in ('admin', 'member')${guard}`,
      [status, now, id, orgId],
    );
    return result.changes;
  }

  /** Removes a member (their sessions, tokens and codes go with them), keeping an active admin. 1 or 0 rows. */
  async removeFromOrg(orgId: string, id: string): Promise<number> {
    const result = await this.sql.run(
      `delete from people where id = ? and organization_id = ? and role in ('admin', 'member') and ${KEEPS_AN_ACTIVE_ADMIN}`,
      [id, orgId],
    );
    return result.changes;
  }

  /** A person of this organization only: another organization's person is not found. */
  findInOrg(orgId: string, id: string): Promise<Person | null> {
    return this.em.findOne(Person, { id, organizationId: orgId });
  }

  add(person: Person): void {
    this.em.persist(person);
  }
}
