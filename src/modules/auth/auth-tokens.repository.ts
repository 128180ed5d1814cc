import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

export type TokenPurpose = 'password_reset' | 'email_change' | 'backup_email';

export interface ValidToken {
  personId: string;
  payload: string | null;
}

/** The single-use links' digests. Never opens a transaction: the caller's holds. */
@Injectable()
export class AuthTokensRepository {
  constructor(private readonly sql: Sql) {}

  /** Withdraws the person's open links, of one purpose or all. */
  async revoke(personId: string, now: number, purpose?: TokenPurpose): Promise<void> {
    await this.sql.run(
      `update auth_tokens set used_at = ? where person_id = ? and used_at is null${purpose ? ' and purpose = ?' : ''}`,
      [now, personId, ...(purpose ? [purpose] : [])],
    );
  }

  async insert(
    token: { personId: string; purpose: TokenPurpose; digest: string; payload: string | null },
    now: number,
    expiresAt: number,
  ): Promise<void> {
    await this.sql.run(
      `insert into auth_tokens (person_id, purpose, token_hash, payload, created_at, expires_at) values (?, ?, ?, ?, ?, ?)`,
      [token.personId, token.purpose, token.digest, token.payload, now, expiresAt],
    );
  }

  findValid(digest: string, purpose: TokenPurpose, now: number): Promise<ValidToken | undefined> {
    return this.sql.get<ValidToken>(
      `select person_id as personId, payload from auth_tokens
        where token_hash = ? and purpose = ? and used_at is null and expires_at > ?`,
      [digest, purpose, now],
    );
  }

  /** Uses a link: at most once, even when two requests race (one conditional statement). */
  use(digest: string, purpose: TokenPurpose, now: number): Promise<ValidToken | undefined> {
    return this.sql.get<ValidToken>(
      `update auth_tokens set used_at = ?
        where token_hash = ? and purpose = ? and used_at is null and expires_at > ?
        returning person_id as personId, payload`,
      [now, digest, purpose, now],
    );
  }
}
