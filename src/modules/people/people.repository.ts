import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { keysetClause, likeContains, likeStartsWith, type PageRequest } from '../../common/pagination';
import { normalizeEmail, Person, type PersonStatus, type Role } from './person.entity';
import { placeholders, Sql } from '../../platform/database/sql';
import type { MailRecipient } from '../../platform/mail/mail-recipients';
import type { OrganizationPersonRow } from '../organizations/member-counts';

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

/**
 * The SQL of one keyset page of an organization's people (never staff),
 * filtered and sorted (exported so bench/floor.ts runs the same statement).
 * Each order walks its (organization_id, <column>, id) index.
 */
export function peopleListSql(
  orgId: string,
  filter: PeopleListFilter,
  request: PageRequest,
  now: number,
): { sql: string; params: unknown[] } {
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
  return {
    sql: `select p.id, p.name, p.email, p.role, p.status, p.last_sign_in_at as lastSignInAt,
              p.locked_until as lockedUntil, p.totp_enabled_at as totpEnabledAt, ${column} as sortKey
         from people p
        where ${where.join(' and ')}
        order by ${keyset.orderBy}
        limit ?`,
    params: [...params, request.limit + 1],
  };
}

/** Active people with and without two-factor, from the trigger-kept summary (also run by bench/floor.ts). */
export const TWO_FACTOR_SUMMARY_SQL = `select two_factor as twoFactor, n from people_summary where status = 'active'`;

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

// The same for the install's operators: true for a row whose change cannot
// leave the install without an active operator. Part of the one statement
// that makes the change, so two operators disabling each other at once
// cannot both succeed.
const KEEPS_AN_ACTIVE_OPERATOR = `(role <> 'operator' or status <> 'active' or exists (
  select 1 from people other where other.role = 'operator' and other.status = 'active' and other.id <> people.id))`;

/** A staff member (operator or helpdesk) as the staff list shows them. */
export interface StaffRow {
  id: string;
  name: string;
  email: string;
  role: 'operator' | 'helpdesk';
  status: string;
  lastSignInAt: number | null;
  lockedUntil: number | null;
  totpEnabledAt: number | null;
}

/** The staff list's SQL (also run by bench/floor.ts, for the support queue's assignee choices). */
export function staffListQuery(search: string | undefined, request: PageRequest): { sql: string; params: unknown[] } {
  const where = [`organization_id is null`, `role in ('operator', 'helpdesk')`];
  const params: unknown[] = [];
  if (search) {
    where.push(`(name like ? escape '\\' or email like ? escape '\\')`);
    params.push(likeContains(search), likeStartsWith(normalizeEmail(search)));
  }
  const keyset = keysetClause(request, 'name', 'id');
  if (keyset.where) {
    where.push(keyset.where);
    params.push(...keyset.params);
  }
  return {
    sql: `select id, name, email, role, status, last_sign_in_at as lastSignInAt, locked_until as lockedUntil,
              totp_enabled_at as totpEnabledAt
         from people where ${where.join(' and ')}
        order by ${keyset.orderBy} limit ?`,
    params: [...params, request.limit + 1],
  };
}

const SECURITY_PROFILE = `select id, email, name, status, role, organization_id as organizationId,
  totp_enabled_at as totpEnabledAt, anti_phishing_phrase as antiPhishingPhrase from people`;

/** A person found by the cross-organization search (helpdesk, operators). */
export interface PersonSearchRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  organizationId: string | null;
  lastSignInAt: number | null;
  lockedUntil: number | null;
  totpEnabledAt: number | null;
  /** The keyset cursor: the address (by address) or the row's place in the word index (by words). */
  sortKey: string | number;
}

/**
 * What the cross-organization search looks for: the start of an address
 * (answered by the unique email index as a range), or the starts of words of
 * a name or address (answered by the `people_search` FTS5 index).
 */
export type PeopleSearch = { by: 'email'; prefix: string } | { by: 'words'; words: readonly string[] };

const SEARCH_COLUMNS = `p.id, p.name, p.email, p.role, p.status, p.organization_id as organizationId,
  p.last_sign_in_at as lastSignInAt, p.locked_until as lockedUntil, p.totp_enabled_at as totpEnabledAt`;

// The largest code point: every string that starts with `prefix` sorts below
// prefix + this (SQLite compares text as UTF-8 bytes, and F4 8F BF BF is the
// greatest valid sequence).
const AFTER_EVERY_SUFFIX = String.fromCodePoint(0x10ffff);

// An FTS5 query that matches rows having a word starting with each of `words`
// (all of them): every word quoted, so none is read as FTS5 syntax.
const ftsPrefixQuery = (words: readonly string[]) => words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');

/**
 * The SQL of one keyset page of the cross-organization search (exported so a
 * test can EXPLAIN it). By address: a range over `people_email_unique`,
 * ordered by address. By words: the FTS5 index (SQLite-only syntax, kept
 * here), ordered by rowid, which FTS5 returns in order; each row is then one
 * rowid lookup. Neither reads more than `limit + 1` people.
 */
export function peopleSearchSql(search: PeopleSearch, request: PageRequest): { sql: string; params: unknown[] } {
  const cursor = request.after ?? request.before;
  const backwards = request.before !== null;
  const op = backwards ? '<' : '>';
  const order = backwards ? 'desc' : 'asc';
  const limit = request.limit + 1;
  if (search.by === 'email') {
    const keyset = typeof cursor?.[0] === 'string' ? ` and p.email ${op} ?` : '';
    return {
      sql: `select ${SEARCH_COLUMNS}, p.email as sortKey from people p
             where p.email >= ? and p.email < ?${keyset}
             order by p.email ${order} limit ?`,
      params: [search.prefix, search.prefix + AFTER_EVERY_SUFFIX, ...(keyset ? [cursor![0]] : []), limit],
    };
  }
  const keyset = typeof cursor?.[0] === 'number' ? ` and s.rowid ${op} ?` : '';
  return {
    sql: `select ${SEARCH_COLUMNS}, s.rowid as sortKey from people_search s
            join people p on p.rowid = s.rowid
           where people_search match ?${keyset}
           order by s.rowid ${order} limit ?`,
    params: [ftsPrefixQuery(search.words), ...(keyset ? [cursor![0]] : []), limit],
  };
}

/** An organization admin, to be told of what support did to a fellow admin. */
export interface AdminContactRow {
  id: string;
  name: string;
  email: string;
  antiPhishingPhrase: string | null;
}

/** What a session knows of its person. */
export interface PrincipalRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  organizationId: string | null;
  timeZone: string | null;
}

export type PersonDetails = Partial<
  Pick<Person, 'name' | 'email' | 'antiPhishingPhrase' | 'backupEmail' | 'backupEmailConfirmedAt' | 'timeZone'>
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
      `select id, name, email, role, status, organization_id as organizationId, time_zone as timeZone
         from people where id = ?`,
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

  /** One keyset page of everyone locked out now, the soonest lockout end first (the partial locked_until index). */
  lockedPage(now: number, request: PageRequest): Promise<PersonSearchRow[]> {
    const keyset = keysetClause(request, 'p.locked_until', 'p.id');
    return this.sql.all<PersonSearchRow>(
      `select ${SEARCH_COLUMNS}, p.locked_until as sortKey from people p
        where p.locked_until > ? and p.status = 'active'${keyset.where ? ` and ${keyset.where}` : ''}
        order by ${keyset.orderBy} limit ?`,
      [now, ...keyset.params, request.limit + 1],
    );
  }

  /** How many people are locked out now, and the first `limit`, soonest lockout end first (the partial locked_until index). */
  lockedNow(
    now: number,
    limit: number,
  ): Promise<{ count: number; first: { id: string; name: string; email: string; lockedUntil: number }[] }> {
    return this.sql
      .all<{ id: string; name: string; email: string; lockedUntil: number; n: number }>(
        `select id, name, email, locked_until as lockedUntil, count(*) over () as n from people
          where locked_until > ? and status = 'active' order by locked_until, id limit ?`,
        [now, limit],
      )
      .then((rows) => ({ count: rows[0]?.n ?? 0, first: rows.map(({ n: _n, ...row }) => row) }));
  }

  /** Active people, and those with two-factor on, install-wide: two rows of the trigger-kept summary. */
  async twoFactorCoverage(): Promise<{ active: number; withTwoFactor: number }> {
    const rows = await this.sql.all<{ twoFactor: number; n: number }>(TWO_FACTOR_SUMMARY_SQL);
    return {
      active: rows.reduce((sum, row) => sum + row.n, 0),
      withTwoFactor: rows.find((row) => row.twoFactor === 1)?.n ?? 0,
    };
  }

  async countActiveWithoutTwoFactor(organizationId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      `select count(*) as n from people where organization_id = ? and status = 'active' and totp_enabled_at is null`,
      [organizationId],
    );
    return row?.n ?? 0;
  }

  /** The organization's active members and admins who have not turned two-factor on. */
  activeWithoutTwoFactor(organizationId: string): Promise<{ id: string; email: string; name: string }[]> {
    return this.sql.all(
      `select id, email, name from people
        where organization_id = ? and role in ('admin', 'member') and status = 'active' and totp_enabled_at is null
        order by name, id`,
      [organizationId],
    );
  }

  async setTwoFactorEnabledAt(id: string, at: number | null, now: number): Promise<void> {
    await this.sql.run('update people set totp_enabled_at = ?, updated_at = ? where id = ?', [at, now, id]);
  }

  // For each address (lower case): the person whose sign-in email it is, or
  // else the one person who confirmed it as their backup email (nobody when
  // two did). One statement per chunk over two indexes (email, backup_email).
  async mailRecipients(addresses: readonly string[]): Promise<Map<string, MailRecipient>> {
    const found = new Map<string, MailRecipient>();
    const lower = [...new Set(addresses.map((address) => address.toLowerCase()))];
    for (let i = 0; i < lower.length; i += 500) {
      const chunk = lower.slice(i, i + 500);
      const list = placeholders(chunk.length);
      const rows = await this.sql.all<MailRecipient & { address: string; backup: number }>(
        `select email as address, anti_phishing_phrase as antiPhishingPhrase, time_zone as timeZone,
                organization_id as organizationId, 0 as backup
           from people where email in (${list})
         union all
         select backup_email, anti_phishing_phrase, time_zone, organization_id, 1 from people
          where backup_email in (${list}) and backup_email_confirmed_at is not null`,
        [...chunk, ...chunk],
      );
      const backups = new Map<string, MailRecipient[]>();
      for (const { address, backup, antiPhishingPhrase, timeZone, organizationId } of rows) {
        const recipient = { antiPhishingPhrase, timeZone, organizationId };
        if (backup === 0) found.set(address, recipient);
        else backups.set(address, [...(backups.get(address) ?? []), recipient]);
      }
      for (const [address, readers] of backups) {
        if (!found.has(address) && readers.length === 1) found.set(address, readers[0]);
      }
    }
    return found;
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
    const { sql, params } = peopleListSql(orgId, filter, request, now);
    return this.sql.all<PersonRow>(sql, params);
  }

  /** One keyset page of people of every organization and staff, found by address or words (see peopleSearchSql). */
  search(search: PeopleSearch, request: PageRequest): Promise<PersonSearchRow[]> {
    const { sql, params } = peopleSearchSql(search, request);
    return this.sql.all<PersonSearchRow>(sql, params);
  }

  /** Names and addresses of people of one organization, by id (an owner column of another list). */
  async namesIn(orgId: string, ids: readonly string[]): Promise<{ id: string; name: string; email: string }[]> {
    if (ids.length === 0) return [];
    return this.sql.all(
      `select id, name, email from people where organization_id = ? and id in (${placeholders(ids.length)})`,
      [orgId, ...ids],
    );
  }

  /** The organization's active admins, but for `exceptId` (through the organization index). */
  activeAdminsOf(orgId: string, exceptId: string): Promise<AdminContactRow[]> {
    return this.sql.all<AdminContactRow>(
      `select id, name, email, anti_phishing_phrase as antiPhishingPhrase from people
        where organization_id = ? and role = 'admin' and status = 'active' and id <> ?
        order by name, id limit 50`,
      [orgId, exceptId],
    );
  }

  /** The active admins of these organizations (a few hundred ids at most a call), by organization then name. */
  activeAdminsOfOrganizations(orgIds: readonly string[]): Promise<(AdminContactRow & { organizationId: string })[]> {
    if (orgIds.length === 0) return Promise.resolve([]);
    return this.sql.all<AdminContactRow & { organizationId: string }>(
      `select id, organization_id as organizationId, name, email, anti_phishing_phrase as antiPhishingPhrase
         from people where organization_id in (${placeholders(orgIds.length)}) and role = 'admin' and status = 'active'
        order by organization_id, name, id`,
      [...orgIds],
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

  /** How an organization's accounts are used (its people, never staff), in one statement. */
  async usageOf(orgId: string, now: number) {
    const row = await this.sql.get<{ people: number; admins: number; locked: number; twoFactorOn: number }>(
      `select count(*) as people,
              coalesce(sum(role = 'admin'), 0) as admins,
              coalesce(sum(status = 'active' and locked_until > ?), 0) as locked,
              coalesce(sum(totp_enabled_at is not null), 0) as twoFactorOn
         from people where organization_id = ? and role in ('admin', 'member')`,
      [now, orgId],
    );
    return row ?? { people: 0, admins: 0, locked: 0, twoFactorOn: 0 };
  }

  /** An organization's first people by name (never staff): a short list for its page. */
  firstInOrg(orgId: string, limit: number) {
    return this.sql.all<OrganizationPersonRow>(
      `select id, name, email, role, status, locked_until as lockedUntil, totp_enabled_at as totpEnabledAt,
              last_sign_in_at as lastSignInAt
         from people where organization_id = ? and role in ('admin', 'member')
        order by name, id limit ?`,
      [orgId, limit],
    );
  }

  /** The ids of an organization's people (their sessions end when it is suspended). */
  async idsInOrg(orgId: string): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>('select id from people where organization_id = ?', [orgId]);
    return rows.map((row) => row.id);
  }

  /**
   * One keyset page of the install's staff by name (then id), narrowed to
   * names containing `search` or addresses starting with it. Staff are a few
   * dozen rows at most, so a `like` over them (no index of its own) is fine.
   */
  listStaff(search: string | undefined, request: PageRequest): Promise<StaffRow[]> {
    const { sql, params } = staffListQuery(search, request);
    return this.sql.all<StaffRow>(sql, params);
  }

  /** An operator or helpdesk member; anyone else is not found. */
  findStaff(id: string): Promise<Person | null> {
    return this.em.findOne(Person, { id, role: { $in: ['operator', 'helpdesk'] } });
  }

  /**
   * Disables or re-enables a staff member (never an invited one: they have no
   * password yet); disabling keeps an active operator. 1 or 0 rows.
   */
  async setStaffStatus(id: string, status: PersonStatus, now: number): Promise<number> {
    const guard = status === 'disabled' ? ` and ${KEEPS_AN_ACTIVE_OPERATOR}` : '';
    const result = await this.sql.run(
      `update people set status = ?, updated_at = ?
        where id = ? and role in ('operator', 'helpdesk') and status <> 'invited'${guard}`,
      [status, now, id],
    );
    return result.changes;
  }

  /**
   * Makes a staff member (not an invited one) an operator or helpdesk;
   * demoting keeps an active operator. 1 or 0 rows.
   */
  async setStaffRole(id: string, role: 'operator' | 'helpdesk', now: number): Promise<number> {
    const guard = role === 'helpdesk' ? ` and ${KEEPS_AN_ACTIVE_OPERATOR}` : '';
    const result = await this.sql.run(
      `update people set role = ?, updated_at = ?
        where id = ? and role in ('operator', 'helpdesk') and status <> 'invited'${guard}`,
      [role, now, id],
    );
    return result.changes;
  }

  add(person: Person): void {
    this.em.persist(person);
  }
}
