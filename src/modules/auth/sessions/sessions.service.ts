import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { Clock } from '../../../common/clock';
import { Unauthenticated } from '../../../common/errors/app-error';
import type { Principal } from '../../../common/http/principal';
import type { AppConfig } from '../../../config/app.config';
import { APP_CONFIG } from '../../../common/config.module';
import { OrganizationsService } from '../../organizations/organizations.service';
import { PeopleService } from '../../people/people.service';
import { Session, type SessionStage } from './session.entity';
import { SessionsRepository } from './sessions.repository';

// Recording "last seen" on every request would turn every page view into a
// write; recording it at most once a minute, or four times per idle timeout
// when that is shorter, keeps the timeout exact to within a quarter of it (a
// person active more often than the timeout is never signed out).
const TOUCH_AT_MOST_EVERY_MS = 60_000;
export const touchEveryMs = (idleSeconds: number) => Math.min(TOUCH_AT_MOST_EVERY_MS, (idleSeconds * 1000) / 4);

// A browser sends the same cookie with every page: its signature is checked
// once, then its claims are remembered (expiry still checked on each use).
// Only verified tokens get in, and the oldest leave first.
const VERIFIED_TOKENS_KEPT = 1000;

export interface SessionClient {
  ipAddress?: string;
  userAgent?: string;
}

@Injectable()
export class SessionsService {
  private readonly verified = new Map<string, { sid: unknown; exp: number }>();
  private readonly touchEveryMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly sessions: SessionsRepository,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
  ) {
    this.touchEveryMs = touchEveryMs(config.sessionIdleSeconds);
  }

  /**
   * Starts a new session (always a new id) at `stage`, the password just
   * typed counting as a confirmation, and returns the cookie value naming it.
   */
  async start(
    personId: string,
    client: SessionClient,
    stage: SessionStage = 'active',
  ): Promise<{ sessionId: string; token: string }> {
    const now = this.clock.now();
    return this.insert({ personId, now, stage, confirmedAt: now, ...client });
  }

  /**
   * Replaces a session by a new one at `stage` (privilege rises: the code
   * was right, enrolment done): a new id and cookie, the old row ended in
   * the same transaction, so a copy of the old cookie is worth nothing. The
   * new session keeps the browser and the time the password was typed.
   * Refused when the old session has ended meanwhile.
   */
  async rotate(sessionId: string, stage: SessionStage): Promise<{ sessionId: string; token: string }> {
    const now = this.clock.now();
    return this.em.transactional(async () => {
      const old = await this.sessions.findOpenForRotation(sessionId);
      if (!old || (await this.sessions.end(sessionId, now, 'rotated')) === 0) {
        throw new Unauthenticated('Your sign-in has ended. Sign in again.');
      }
      return this.insert({
        personId: old.personId,
        now,
        stage,
        confirmedAt: old.confirmedAt !== null ? new Date(old.confirmedAt) : null,
        ipAddress: old.ipAddress ?? undefined,
        userAgent: old.userAgent ?? undefined,
        browserId: old.browserId,
      });
    });
  }

  private async insert(init: {
    personId: string;
    now: Date;
    stage: SessionStage;
    confirmedAt: Date | null;
    ipAddress?: string;
    userAgent?: string;
    browserId?: string | null;
  }): Promise<{ sessionId: string; token: string }> {
    const { now } = init;
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(+now + this.config.sessionMaxSeconds * 1000);
    await this.em.transactional(async (em) => {
      const session = new Session({ id, expiresAt, ...init });
      session.stage = init.stage;
      session.confirmedAt = init.confirmedAt;
      session.browserId = init.browserId ?? null;
      this.sessions.add(session);
      await em.flush();
    });
    const iat = Math.floor(+now / 1000);
    const token = await this.jwt.signAsync({ sid: id, iat, exp: iat + this.config.sessionMaxSeconds });
    return { sessionId: id, token };
  }

  /** The signed-in person behind a cookie, or null when the session is unknown, ended or timed out. */
  async resolve(token: string): Promise<Principal | null> {
    const now = this.clock.now();
    const sid = await this.verifiedSid(token, Math.floor(+now / 1000));
    if (typeof sid !== 'string') return null;
    const row = await this.sessions.find(sid);
    if (!row || row.endedAt !== null) return null;
    // Three primary-key reads on kept statements: the session, its person, their organization.
    const person = await this.people.principal(row.personId);
    if (!person || person.status !== 'active') {
      await this.sessions.end(sid, now, 'person-disabled');
      return null;
    }
    const org = await this.organizations.signInRules(person.organizationId);
    if (org.suspended) {
      await this.sessions.end(sid, now, 'organization-suspended');
      return null;
    }
    if (+now >= row.expiresAt) {
      await this.sessions.end(sid, now, 'expired');
      return null;
    }
    // An organization may sign its people out sooner than the install does.
    const idleSeconds = Math.min(this.config.sessionIdleSeconds, org.sessionIdleSeconds ?? Infinity);
    if (+now - row.lastSeenAt >= idleSeconds * 1000) {
      await this.sessions.end(sid, now, 'idle');
      return null;
    }
    const touchEvery = idleSeconds === this.config.sessionIdleSeconds ? this.touchEveryMs : touchEveryMs(idleSeconds);
    if (+now - row.lastSeenAt >= touchEvery) await this.sessions.touch(sid, now);
    return {
      personId: row.personId,
      sessionId: row.id,
      name: person.name,
      email: person.email,
      role: person.role,
      orgId: person.organizationId,
      orgName: org.name,
      timeZone: person.timeZone ?? org.timeZone ?? this.config.timeZone,
      stage: row.stage,
      confirmedAt: row.confirmedAt !== null ? new Date(row.confirmedAt) : null,
    };
  }

  /** The `sid` claim of a well-signed, unexpired token, else null. */
  private async verifiedSid(token: string, nowSeconds: number): Promise<unknown> {
    const known = this.verified.get(token);
    if (known) return nowSeconds < known.exp ? known.sid : null;
    let claims: { sid?: unknown; exp?: unknown };
    try {
      claims = await this.jwt.verifyAsync<{ sid?: unknown; exp?: unknown }>(token, { clockTimestamp: nowSeconds });
    } catch {
      return null;
    }
    // Tokens without an expiry are not remembered (none are issued).
    if (typeof claims.exp === 'number') {
      if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { sid: claims.sid, exp: claims.exp });
    }
    return claims.sid;
  }

  async end(sessionId: string, reason: string): Promise<boolean> {
    return (await this.sessions.end(sessionId, this.clock.now(), reason)) > 0;
  }

  /** Ends every session of a person (password reset, change), but `keepId` when given. */
  endAllOf(personId: string, reason: string, keepId?: string): Promise<number> {
    return this.sessions.endAllOf(personId, this.clock.now(), reason, keepId);
  }

  /** The person typed their password again: sensitive changes are open for a while. */
  async confirm(sessionId: string): Promise<void> {
    await this.sessions.update(sessionId, { confirmedAt: this.clock.now() });
  }

  async setBrowser(sessionId: string, browserId: string): Promise<void> {
    await this.sessions.update(sessionId, { browserId });
  }

  listOpen(personId: string) {
    return this.sessions.listOpen(personId, this.clock.now());
  }
}
