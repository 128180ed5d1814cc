import { Injectable } from '@nestjs/common';
import type { PageRequest } from '../../common/pagination';
import { rowChunks, Sql } from '../database/sql';

export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** A row of the outbox list: no bodies (they may carry tokens). */
export interface MailMessageRow {
  id: number;
  template: string;
  to: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
  createdAt: number;
}

/** A message claimed for one delivery attempt. */
export interface ClaimedMessage {
  id: number;
  template: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
  createdAt: number;
}

export interface NewMessage {
  template: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  now: number;
}

/** Messages per insert statement: 7 bound values each, far below SQLite's 32,766. */
const INSERT_CHUNK = 200;

const ROW = `id, template, recipient as "to", subject, status, attempts, last_error as lastError,
  next_attempt_at as nextAttemptAt, sent_at as sentAt, created_at as createdAt`;

/** Queries of the outbox; plain rows, never entities. Runs in whatever transaction the caller has open. */
/** Messages with one status (also run by bench/floor.ts). */
export const MAIL_STATUS_COUNT_SQL = 'select count(*) as n from mail_messages where status = ?';

@Injectable()
export class MailOutboxRepository {
  constructor(private readonly sql: Sql) {}

  /** Queues messages, a chunk per statement; their ids, in the order given. */
  async insertMany(messages: readonly NewMessage[]): Promise<number[]> {
    const ids: number[] = [];
    for (const chunk of rowChunks(messages, INSERT_CHUNK)) {
      const rows = await this.sql.all<{ id: number }>(
        `insert into mail_messages (template, recipient, subject, text_body, html_body, status, attempts, next_attempt_at, created_at)
         values ${chunk.map(() => "(?, ?, ?, ?, ?, 'queued', 0, ?, ?)").join(', ')} returning id`,
        chunk.flatMap((m) => [m.template, m.to, m.subject, m.text, m.html, m.now, m.now]),
      );
      // Ids grow in the order the rows are inserted; RETURNING's own order is not promised.
      ids.push(...rows.map((row) => row.id).sort((a, b) => a - b));
    }
    return ids;
  }

  /**
   * One conditional statement takes up to `limit` due messages (queued and due,
   * or sending with an expired lease after a crash): two workers never get
   * the same message.
   */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<ClaimedMessage[]> {
    return this.sql.all<ClaimedMessage>(
      `update mail_messages
          set status = 'sending', attempts = attempts + 1, lease_until = ?, last_attempt_at = ?
        where id in (select id from mail_messages
                      where (status = 'queued' and next_attempt_at <= ?) or (status = 'sending' and lease_until <= ?)
                      order by id limit ?)
        returning id, template, recipient as "to", subject, text_body as text, html_body as html, attempts,
                  created_at as createdAt`,
      [leaseUntil, now, now, now, limit],
    );
  }

  // Each outcome only applies to the attempt that claimed the message (status
  // and attempts unchanged), so a late answer never overwrites a newer claim.
  // A sent message's bodies are emptied: they may hold live links (password
  // resets, confirmations) that must not outlive their delivery in the database.
  async markSent(id: number, attempts: number, now: number, smtpMessageId: string): Promise<boolean> {
    const rows = await this.sql.all<{ id: number }>(
      `update mail_messages set status = 'sent', sent_at = ?, smtp_message_id = ?, lease_until = null, last_error = null,
              text_body = '', html_body = ''
        where id = ? and status = 'sending' and attempts = ? returning id`,
      [now, smtpMessageId || null, id, attempts],
    );
    return rows.length === 1;
  }

  async markRetry(id: number, attempts: number, nextAttemptAt: number, error: string): Promise<boolean> {
    const rows = await this.sql.all<{ id: number }>(
      `update mail_messages set status = 'queued', next_attempt_at = ?, lease_until = null, last_error = ?
        where id = ? and status = 'sending' and attempts = ? returning id`,
      [nextAttemptAt, error, id, attempts],
    );
    return rows.length === 1;
  }

  async markFailed(id: number, attempts: number, error: string): Promise<boolean> {
    const rows = await this.sql.all<{ id: number }>(
      `update mail_messages set status = 'failed', lease_until = null, last_error = ?
        where id = ? and status = 'sending' and attempts = ? returning id`,
      [error, id, attempts],
    );
    return rows.length === 1;
  }

  /** A failed message back in the queue with a fresh set of attempts; null unless it was failed. */
  async requeueFailed(id: number, now: number): Promise<MailMessageRow | null> {
    const [row] = await this.sql.all<MailMessageRow>(
      `update mail_messages set status = 'queued', attempts = 0, next_attempt_at = ?, lease_until = null
        where id = ? and status = 'failed' returning ${ROW}`,
      [now, id],
    );
    return row ?? null;
  }

  async findRow(id: number): Promise<MailMessageRow | null> {
    const [row] = await this.sql.all<MailMessageRow>(`select ${ROW} from mail_messages where id = ?`, [id]);
    return row ?? null;
  }

  /** How many messages have one status: a range of the (status, id) index. */
  async countWithStatus(status: MailStatus): Promise<number> {
    const row = await this.sql.get<{ n: number }>(MAIL_STATUS_COUNT_SQL, [status]);
    return row?.n ?? 0;
  }

  /** One keyset page by id, newest first (limit + 1 rows in the direction of travel); cursors are `[id]`. */
  list(request: PageRequest, status?: MailStatus): Promise<MailMessageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (status) {
      where.push('status = ?');
      params.push(status);
    }
    const backwards = request.before !== null;
    const cursor = request.after ?? request.before;
    if (cursor) {
      where.push(backwards ? 'id > ?' : 'id < ?');
      params.push(cursor[0]);
    }
    return this.sql.all<MailMessageRow>(
      `select ${ROW} from mail_messages ${where.length ? `where ${where.join(' and ')}` : ''}
        order by id ${backwards ? 'asc' : 'desc'} limit ?`,
      [...params, request.limit + 1],
    );
  }
}
