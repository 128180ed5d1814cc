import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import type { PageRequest } from '../../common/pagination';
import { normalizeEmail, Person } from '../people/person.entity';
import { Sql } from '../../platform/database/sql';

export interface ActivityRow {
  id: number;
  at: number;
  actorType: 'person' | 'system' | 'device';
  actorId: string | null;
  action: string;
  ip: string | null;
  userAgent: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details: string | null;
}

const ACTIVITY_COLUMNS = `a.id, a.at, a.actor_type as actorType, a.actor_id as actorId, a.action, a.ip,
  a.user_agent as userAgent, a.outcome, a.details`;

/** A person's own account: their row, and their activity in the audit log. Never flushes. */
@Injectable()
export class AccountRepository {
  constructor(
    private readonly sql: Sql,
    private readonly em: EntityManager,
  ) {}

  /** Whether another person signs in with this address. */
  async emailTaken(email: string, exceptId: string): Promise<boolean> {
    const rows = await this.sql.all<{ found: number }>(
      `select 1 as found from people where email = ? and id <> ? limit 1`,
      [normalizeEmail(email), exceptId],
    );
    return rows.length > 0;
  }

  async update(
    id: string,
    changes: Partial<Pick<Person, 'name' | 'email' | 'antiPhishingPhrase' | 'backupEmail' | 'backupEmailConfirmedAt'>>,
    now: Date,
  ): Promise<void> {
    await this.em.nativeUpdate(Person, { id }, { ...changes, updatedAt: now });
  }

  /** One keyset page of the person's activity (see activityQuery). */
  activity(personId: string, request: PageRequest): Promise<ActivityRow[]> {
    const { sql, params } = activityQuery(personId, request);
    return this.sql.all<ActivityRow>(sql, params);
  }
}

/**
 * The entries a person acted in or was the target of, one keyset page by id
 * (newest first): two index scans, (actor_id, id) and (target_id, id), each
 * reading at most `limit + 1` rows, merged. The second leaves out what the
 * first has (the person acting on their own account).
 */
export function activityQuery(personId: string, request: PageRequest): { sql: string; params: unknown[] } {
  const backwards = request.before !== null;
  const cursor = request.after ?? request.before;
  const keyset = cursor ? `and a.id ${backwards ? '>' : '<'} ?` : '';
  const keyParams = cursor ? [cursor[0]] : [];
  const direction = backwards ? 'asc' : 'desc';
  const limit = request.limit + 1;
  return {
    sql: `select * from (
         select * from (select ${ACTIVITY_COLUMNS} from audit_entries a
           where a.actor_id = ? ${keyset} order by a.id ${direction} limit ?)
         union all
         select * from (select ${ACTIVITY_COLUMNS} from audit_entries a
           where a.target_id = ? and coalesce(a.actor_id, '') <> ? ${keyset} order by a.id ${direction} limit ?)
       ) order by id ${direction} limit ?`,
    params: [personId, ...keyParams, limit, personId, personId, ...keyParams, limit, limit],
  };
}
