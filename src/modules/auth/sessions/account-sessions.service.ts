import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InputRefused, NotFound } from '../../../common/errors/app-error';
import type { Principal } from '../../../common/http/principal';
import { describeUserAgent } from '../../../common/user-agent';
import { AuditService } from '../../../platform/audit/audit.service';
import { SessionsService } from './sessions.service';

// Pages and forms name a session by a digest of its id: the id itself is what
// the session cookie carries, and never leaves the server otherwise.
export const sessionHandle = (sessionId: string) =>
  createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);

export interface OpenSessionView {
  handle: string;
  device: string;
  ipAddress: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** A person's own signed-in sessions: list them, end one, end all the others. */
@Injectable()
export class AccountSessionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  async list(user: Principal): Promise<OpenSessionView[]> {
    const rows = await this.sessions.listOpen(user.personId);
    return rows
      .map((row) => ({
        handle: sessionHandle(row.id),
        device: describeUserAgent(row.userAgent),
        ipAddress: row.ipAddress,
        createdAt: new Date(row.createdAt),
        lastSeenAt: new Date(row.lastSeenAt),
        current: row.id === user.sessionId,
      }))
      .sort((a, b) => Number(b.current) - Number(a.current));
  }

  /** Ends one of the person's own sessions; any other handle (another person's too) is not found. */
  async end(user: Principal, handle: string): Promise<string> {
    const row = (await this.sessions.listOpen(user.personId)).find((s) => sessionHandle(s.id) === handle);
    if (!row) throw new NotFound('This session does not exist or has already ended.');
    if (row.id === user.sessionId) throw new InputRefused('This is the session you are using: sign out instead.');
    const device = describeUserAgent(row.userAgent);
    await this.em.transactional(async () => {
      await this.sessions.end(row.id, 'signed-out-remotely');
      await this.audit.record({
        action: 'auth.session.revoked',
        target: { type: 'person', id: user.personId, label: user.email },
        details: { device, ip: row.ipAddress },
      });
    });
    return device;
  }

  async endOthers(user: Principal): Promise<number> {
    return this.em.transactional(async () => {
      const count = await this.sessions.endAllOf(user.personId, 'signed-out-remotely', user.sessionId);
      await this.audit.record({
        action: 'auth.sessions.revoked',
        target: { type: 'person', id: user.personId, label: user.email },
        details: { count },
      });
      return count;
    });
  }
}
