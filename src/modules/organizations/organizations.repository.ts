import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { keysetClause, likeContains, type PageRequest } from '../../common/pagination';
import { organizationNameKey } from './organization-name';
import { Organization } from './organization.entity';
import { placeholders, Sql } from '../../platform/database/sql';

export interface OrganizationRow {
  id: string;
  name: string;
  createdAt: number;
  suspendedAt: number | null;
}

/** How many organizations there are (also run by bench/floor.ts). */
export const ORGANIZATION_COUNT_SQL = 'select count(*) as n from organizations';

/** The names of `count` organizations by id (also run by bench/floor.ts). */
export const organizationNamesSql = (count: number) =>
  `select id, name from organizations where id in (${placeholders(count)})`;

/** The list's SQL (also run by bench/floor.ts, so both do the same work). */
export function organizationListQuery(request: PageRequest, search?: string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (search) {
    // On the folded key, so "äpfel" finds "Äpfel" (LIKE folds ASCII only).
    where.push(`o.name_key like ? escape '\\'`);
    params.push(likeContains(organizationNameKey(search)));
  }
  const keyset = keysetClause(request, 'o.name', 'o.id');
  if (keyset.where) {
    where.push(keyset.where);
    params.push(...keyset.params);
  }
  return {
    sql: `select o.id, o.name, o.created_at as createdAt, o.suspended_at as suspendedAt
         from organizations o
        ${where.length ? `where ${where.join(' and ')}` : ''}
        order by ${keyset.orderBy}
        limit ?`,
    params: [...params, request.limit + 1],
  };
}

@Injectable()
export class OrganizationsRepository {
  constructor(
    private readonly sql: Sql,
    private readonly em: EntityManager,
  ) {}

  /** One keyset page ordered by name (case-insensitive), then id; plain rows. */
  list(request: PageRequest, search?: string): Promise<OrganizationRow[]> {
    const { sql, params } = organizationListQuery(request, search);
    return this.sql.all<OrganizationRow>(sql, params);
  }

  /** How many organizations the install has (a few thousand at most: one pass over the table). */
  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>(ORGANIZATION_COUNT_SQL))?.n ?? 0;
  }

  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.all<{ id: string; name: string }>(organizationNamesSql(ids.length), ids);
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async nameOf(id: string): Promise<string | null> {
    return (await this.sql.get<{ name: string }>('select name from organizations where id = ?', [id]))?.name ?? null;
  }

  async timeZoneOf(id: string): Promise<string | null> {
    const row = await this.sql.get<{ tz: string | null }>('select time_zone as tz from organizations where id = ?', [
      id,
    ]);
    return row?.tz ?? null;
  }

  async passwordMinLength(id: string): Promise<number | null> {
    const row = await this.sql.get<{ n: number | null }>(
      'select password_min_length as n from organizations where id = ?',
      [id],
    );
    return row?.n ?? null;
  }

  async requiresTwoFactor(id: string): Promise<boolean> {
    const row = await this.sql.get<{ required: number }>(
      'select require_two_factor as required from organizations where id = ?',
      [id],
    );
    return row?.required === 1;
  }

  /** What sign-in and the session lookup need of an organization: one primary-key read. */
  signInRules(id: string): Promise<
    | {
        name: string;
        required: number;
        suspended: number;
        sessionIdleSeconds: number | null;
        timeZone: string | null;
      }
    | undefined
  > {
    return this.sql.get(
      `select name, require_two_factor as required, suspended_at is not null as suspended,
              session_idle_seconds as sessionIdleSeconds, time_zone as timeZone
         from organizations where id = ?`,
      [id],
    );
  }

  /** Suspends an organization that is not suspended; 1 or 0 rows. */
  async suspend(id: string, now: number): Promise<number> {
    const result = await this.sql.run(
      'update organizations set suspended_at = ?, updated_at = ? where id = ? and suspended_at is null',
      [now, now, id],
    );
    return result.changes;
  }

  /** Lifts a suspension; 1 or 0 rows. */
  async reactivate(id: string, now: number): Promise<number> {
    const result = await this.sql.run(
      'update organizations set suspended_at = null, updated_at = ? where id = ? and suspended_at is not null',
      [now, id],
    );
    return result.changes;
  }

  findById(id: string): Promise<Organization | null> {
    return this.em.findOne(Organization, { id });
  }

  // By the folded key: "acme" finds "ACME", "äpfel" finds "Äpfel".
  findByName(name: string): Promise<Organization | null> {
    return this.em.findOne(Organization, { nameKey: organizationNameKey(name.trim()) });
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const org = await this.findByName(name);
    return org !== null && org.id !== exceptId;
  }

  add(org: Organization): void {
    this.em.persist(org);
  }
}
