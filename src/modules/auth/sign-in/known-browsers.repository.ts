import { Injectable } from '@nestjs/common';
import { Sql } from '../../../platform/database/sql';

export interface SessionClientRow {
  browserId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

/** The browsers each person has signed in from (their cookie's SHA-256). Never flushes. */
@Injectable()
export class KnownBrowsersRepository {
  constructor(private readonly sql: Sql) {}

  async sessionClient(sessionId: string): Promise<SessionClientRow | null> {
    const rows = await this.sql.all<SessionClientRow>(
      `select browser_id as browserId, ip_address as ipAddress, user_agent as userAgent from sessions where id = ?`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  /** Adds the browser; false when the person already knew it (then only "last seen" moves). */
  async add(personId: string, browserId: string, now: number, userAgent: string | null): Promise<boolean> {
    const inserted = await this.sql.all<{ added: number }>(
      `insert into known_browsers (person_id, browser_id, first_seen_at, last_seen_at, user_agent)
       values (?, ?, ?, ?, ?) on conflict (person_id, browser_id) do nothing returning 1 as added`,
      [personId, browserId, now, now, userAgent],
    );
    if (inserted.length > 0) return true;
    await this.sql.run(
      `update known_browsers set last_seen_at = ?, user_agent = ? where person_id = ? and browser_id = ?`,
      [now, userAgent, personId, browserId],
    );
    return false;
  }

  /** Whether the person has signed in from any browser but this one (the primary key's prefix). */
  async knowsAnother(personId: string, browserId: string): Promise<boolean> {
    const rows = await this.sql.all<{ found: number }>(
      `select 1 as found from known_browsers where person_id = ? and browser_id <> ? limit 1`,
      [personId, browserId],
    );
    return rows.length > 0;
  }
}
