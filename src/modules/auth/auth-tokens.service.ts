import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { Sql } from '../../platform/database/sql';

export type TokenPurpose = 'password_reset' | 'email_change' | 'backup_email';

export interface ValidToken {
  personId: string;
  payload: string | null;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Single-use links (password reset, email confirmations): 256 random bits
 * shown once, stored only as their SHA-256; a new link for the same purpose
 * supersedes older ones; using one is a single conditional statement.
 */
@Injectable()
export class AuthTokensService {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  async issue(
    personId: string,
    purpose: TokenPurpose,
    ttlSeconds: number,
    payload: string | null = null,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = +this.clock.now();
    await this.sql.run(`update auth_tokens set used_at = ? where person_id = ? and purpose = ? and used_at is null`, [
      now,
      personId,
      purpose,
    ]);
    await this.sql.run(
      `insert into auth_tokens (person_id, purpose, token_hash, payload, created_at, expires_at) values (?, ?, ?, ?, ?, ?)`,
      [personId, purpose, digest(token), payload, now, now + ttlSeconds * 1000],
    );
    return token;
  }

  /** Whether a link is still good, without using it (to show the form it leads to). */
  async check(token: unknown, purpose: TokenPurpose): Promise<ValidToken | null> {
    if (typeof token !== 'string' || !/^[\w-]{43}$/.test(token)) return null;
    const rows = await this.sql.all<ValidToken>(
      `select person_id as personId, payload from auth_tokens
        where token_hash = ? and purpose = ? and used_at is null and expires_at > ?`,
      [digest(token), purpose, +this.clock.now()],
    );
    return rows[0] ?? null;
  }

  /** Uses a link: at most once, even when two requests race. */
  async consume(token: unknown, purpose: TokenPurpose): Promise<ValidToken | null> {
    if (typeof token !== 'string' || !/^[\w-]{43}$/.test(token)) return null;
    const now = +this.clock.now();
    const rows = await this.sql.all<ValidToken>(
      `update auth_tokens set used_at = ?
        where token_hash = ? and purpose = ? and used_at is null and expires_at > ?
        returning person_id as personId, payload`,
      [now, digest(token), purpose, now],
    );
    return rows[0] ?? null;
  }

  /** Withdraws a person's open links of a purpose (e.g. every reset link once the password changed). */
  /**
   * Withdraws the person's open links for `purpose`, or all of them: after a
   * password change or reset, a link asked for by whoever knew the old
   * password (an email change to their address, say) must die with it.
   */
  async revoke(personId: string, purpose?: TokenPurpose): Promise<void> {
    await this.sql.run(
      `update auth_tokens set used_at = ? where person_id = ? and used_at is null${purpose ? ' and purpose = ?' : ''}`,
      [+this.clock.now(), personId, ...(purpose ? [purpose] : [])],
    );
  }
}
