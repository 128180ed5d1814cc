import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { keysetClause, likeContains, type PageRequest } from '../../common/pagination';
import { normalizeEmail, Person, type Role } from './person.entity';
import { Sql } from '../../platform/database/sql';

export interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  lastSignInAt: number | null;
}

/** Queries about people. Never flushes: the service owns the transaction. */
@Injectable()
export class PeopleRepository {
  constructor(
    private readonly sql: Sql,
    private readonly em: EntityManager,
  ) {}

  findById(id: string): Promise<Person | null> {
    return this.em.findOne(Person, { id }, { populate: ['organization'] });
  }

  /** With the password hash, for the sign-in check. */
  findForSignIn(email: string): Promise<Person | null> {
    return this.em.findOne(Person, { email: normalizeEmail(email) }, { populate: ['passwordHash', 'organization'] });
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.em.count(Person, { email: normalizeEmail(email) })) > 0;
  }

  async operatorExists(): Promise<boolean> {
    const rows = await this.sql.all<{ found: number }>(`select 1 as found from people where role = 'operator' limit 1`);
    return rows.length > 0;
  }

  /** One keyset page of an organization's people, by name then id; plain rows. */
  listInOrg(orgId: string, request: PageRequest, search?: string): Promise<PersonRow[]> {
    const where = ['p.organization_id = ?'];
    const params: unknown[] = [orgId];
    if (search) {
      where.push(`(p.name like ? escape '\\' or p.email like ? escape '\\')`);
      params.push(likeContains(search), likeContains(search.toLowerCase()));
    }
    const keyset = keysetClause(request, 'p.name', 'p.id');
    if (keyset.where) {
      where.push(keyset.where);
      params.push(...keyset.params);
    }
    return this.sql.all<PersonRow>(
      `select p.id, p.name, p.email, p.role, p.status, p.last_sign_in_at as lastSignInAt
         from people p
        where ${where.join(' and ')}
        order by ${keyset.orderBy}
        limit ?`,
      [...params, request.limit + 1],
    );
  }

  /** A person of this organization only: another organization's person is not found. */
  findInOrg(orgId: string, id: string): Promise<Person | null> {
    return this.em.findOne(Person, { id, organization: orgId }, { populate: ['organization'] });
  }

  add(person: Person): void {
    this.em.persist(person);
  }
}
