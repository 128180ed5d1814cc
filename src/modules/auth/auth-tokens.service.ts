import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AuthTokensRepository, type TokenPurpose, type ValidToken } from './auth-tokens.repository';

export type { TokenPurpose, ValidToken } from './auth-tokens.repository';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
const WELL_FORMED = /^[\w-]{43}$/;

/**
 * Single-use links (password reset, email confirmations): 256 random bits
 * shown once, stored only as their SHA-256; a new link for the same purpose
 * supersedes older ones; using one is a single conditional statement.
 */
@Injectable()
export class AuthTokensService {
  constructor(
    private readonly tokens: AuthTokensRepository,
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
    await this.tokens.revoke(personId, now, purpose);
    await this.tokens.insert({ personId, purpose, digest: digest(token), payload }, now, now + ttlSeconds * 1000);
    return token;
  }

  /** Whether a link is still good, without using it (to show the form it leads to). */
  async check(token: unknown, purpose: TokenPurpose): Promise<ValidToken | null> {
    if (typeof token !== 'string' || !WELL_FORMED.test(token)) return null;
    return (await this.tokens.findValid(digest(token), purpose, +this.clock.now())) ?? null;
  }

  /** Uses a link: at most once, even when two requests race. */
  async consume(token: unknown, purpose: TokenPurpose): Promise<ValidToken | null> {
    if (typeof token !== 'string' || !WELL_FORMED.test(token)) return null;
    return (await this.tokens.use(digest(token), purpose, +this.clock.now())) ?? null;
  }

  /**
   * Withdraws the person's open links for `purpose`, or all of them: after a
   * password change or reset, a link asked for by whoever knew the old
   * password (an email change to their address, say) must die with it.
   */
  async revoke(personId: string, purpose?: TokenPurpose): Promise<void> {
    await this.tokens.revoke(personId, +this.clock.now(), purpose);
  }
}
