import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { Session, type SessionStage } from './session.entity';
import { Sql } from '../../../platform/database/sql';

export interface SessionRow {
  id: string;
  lastSeenAt: number;
  expiresAt: number;
  endedAt: number | null;
  stage: SessionStage;
  confirmedAt: number | null;
  personId: string;
}

export interface OpenSessionRow {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  ipAddress: string | null;
  userAgent: string | null;
}

/** Session queries; the row read on every request is one plain-row join. */
@Injectable()
export class SessionsRepository {
  constructor(
    private readonly sql: Sql,
    private readonly em: EntityManager,
  ) {}

  /** The row read on every request: one primary-key lookup. */
  find(id: string): Promise<SessionRow | undefined> {
    return this.sql.get<SessionRow>(
      `select id, person_id as personId, last_seen_at as lastSeenAt, expires_at as expiresAt, ended_at as endedAt,
              stage, confirmed_at as confirmedAt
         from sessions where id = ?`,
      [id],
    );
  }

  /** What a session's successor keeps of it (rotation): the person, the browser, the password's time. */
  findOpenForRotation(id: string) {
    return this.sql.get<{
      personId: string;
      ipAddress: string | null;
      userAgent: string | null;
      browserId: string | null;
      confirmedAt: number | null;
    }>(
      `select person_id as personId, ip_address as ipAddress, user_agent as userAgent, browser_id as browserId,
              confirmed_at as confirmedAt
         from sessions where id = ? and ended_at is null`,
      [id],
    );
  }

  add(session: Session): void {
    this.em.persist(session);
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.em.nativeUpdate(Session, { id, endedAt: null }, { lastSeenAt: now });
  }

  async end(id: string, now: Date, reason: string): Promise<number> {
    return this.em.nativeUpdate(Session, { id, endedAt: null }, { endedAt: now, endReason: reason });
  }

  /** Ends every open session of a person, but `keepId` (the one making the change). */
  async endAllOf(personId: string, now: Date, reason: string, keepId?: string): Promise<number> {
    return this.em.nativeUpdate(
      Session,
      { personId, endedAt: null, ...(keepId ? { id: { $ne: keepId } } : {}) },
      { endedAt: now, endReason: reason },
    );
  }

  /** Ends every open session of these people (an organization's, when it is suspended). */
  async endAllOfMany(personIds: readonly string[], now: Date, reason: string): Promise<number> {
    let ended = 0;
    // In slices: SQLite binds at most a few thousand parameters per statement.
    for (let start = 0; start < personIds.length; start += 500) {
      const slice = personIds.slice(start, start + 500);
      ended += await this.em.nativeUpdate(
        Session,
        { personId: { $in: slice }, endedAt: null },
        { endedAt: now, endReason: reason },
      );
    }
    return ended;
  }

  async update(id: string, changes: Partial<Pick<Session, 'stage' | 'confirmedAt' | 'browserId'>>): Promise<void> {
    await this.em.nativeUpdate(Session, { id, endedAt: null }, changes);
  }

  /** A person's open sessions, newest first (plain rows). */
  listOpen(personId: string, now: Date) {
    return this.sql.all<OpenSessionRow>(
      `select id, created_at as createdAt, last_seen_at as lastSeenAt, ip_address as ipAddress, user_agent as userAgent
         from sessions where person_id = ? and ended_at is null and expires_at > ? and stage = 'active'
        order by last_seen_at desc limit 100`,
      [personId, +now],
    );
  }
}
