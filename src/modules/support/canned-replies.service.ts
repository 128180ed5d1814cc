import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { NotFound } from '../../common/errors/app-error';
import { AuditService } from '../../platform/audit/audit.service';
import { CannedRepliesRepository, type CannedReplyRow } from './canned-replies.repository';

export interface CannedReplyInput {
  title: string;
  body: string;
}

const target = (row: Pick<CannedReplyRow, 'id' | 'title'>) => ({ type: 'canned_reply', id: row.id, label: row.title });

/** Canned replies the helpdesk keeps for common answers; every change audited `support.canned_reply_changed`. */
@Injectable()
export class CannedRepliesService {
  constructor(
    private readonly em: EntityManager,
    private readonly replies: CannedRepliesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(): Promise<CannedReplyRow[]> {
    return this.replies.list();
  }

  async get(id: string): Promise<CannedReplyRow> {
    const row = await this.replies.get(id);
    if (!row) throw new NotFound('Canned reply not found.');
    return row;
  }

  /** The reply for a `?canned=` pre-fill, or undefined for anything unknown. */
  find(id: string): Promise<CannedReplyRow | undefined> {
    return this.replies.get(id);
  }

  create(input: CannedReplyInput): Promise<CannedReplyRow> {
    const now = +this.clock.now();
    const row: CannedReplyRow = { id: randomUUID(), ...input, createdAt: now, updatedAt: now };
    return this.em.transactional(async () => {
      await this.replies.insert(row);
      await this.audit.record({
        action: 'support.canned_reply_changed',
        target: target(row),
        details: { change: 'created' },
      });
      return row;
    });
  }

  update(id: string, input: CannedReplyInput): Promise<CannedReplyRow> {
    return this.em.transactional(async () => {
      const row = await this.replies.update(id, input.title, input.body, +this.clock.now());
      if (!row) throw new NotFound('Canned reply not found.');
      await this.audit.record({
        action: 'support.canned_reply_changed',
        target: target(row),
        details: { change: 'updated' },
      });
      return row;
    });
  }

  delete(id: string): Promise<CannedReplyRow> {
    return this.em.transactional(async () => {
      const row = await this.replies.delete(id);
      if (!row) throw new NotFound('Canned reply not found.');
      await this.audit.record({
        action: 'support.canned_reply_changed',
        target: target(row),
        details: { change: 'deleted' },
      });
      return row;
    });
  }
}
