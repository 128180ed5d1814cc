import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { deriveKeyBytes } from '../../common/security/keys';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../config/config.module';
import { checkpointHash, entryHash, GENESIS, type ChainedEntry } from './audit-chain';
import { AuditService } from './audit.service';
import { Sql } from '../database/sql';

export type VerifyResult =
  | { ok: true; entries: number; checkpoints: number }
  | { ok: false; entryId: number | null; problem: string; checked: number };

type EntryRow = ChainedEntry & { id: number; hash: string };
type CheckpointRow = { id: number; at: number; throughId: number; throughHash: string; removed: number; hash: string };

const BATCH = 5000;

/** Verifies the audit hash chain, and trims it for retention without breaking it. */
@Injectable()
export class AuditIntegrityService {
  private readonly key: Buffer;

  constructor(
    private readonly sql: Sql,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.key = deriveKeyBytes(config.appSecret, 'audit-chain');
  }

  /**
   * Walks the chain from the latest retention checkpoint (or its start) and
   * names the first entry that was changed, removed or inserted.
   */
  async verify(): Promise<VerifyResult> {
    // One read transaction: a retention run committing midway (this process's
    // job or another's) cannot move the chain's start between the checkpoint
    // read here and the entries read after it.
    return this.em.transactional(() => this.verifyIn(), { clear: true });
  }

  private async verifyIn(): Promise<VerifyResult> {
    const checkpoints = await this.sql.all<CheckpointRow>(
      `select id, at, through_id as throughId, through_hash as throughHash, removed, hash from audit_checkpoints order by id`,
    );
    for (const cp of checkpoints) {
      if (checkpointHash(this.key, cp) !== cp.hash) {
        return { ok: false, entryId: null, problem: `retention checkpoint #${cp.id} was changed`, checked: 0 };
      }
    }
    const latest = checkpoints[checkpoints.length - 1];
    let expectedPrev = latest?.throughHash ?? GENESIS;
    let previousId = latest?.throughId ?? 0;
    let checked = 0;
    for (;;) {
      const rows = await this.sql.all<EntryRow>(
        `select id, at, actor_type as actorType, actor_id as actorId, actor_label as actorLabel, action,
                target_type as targetType, target_id as targetId, target_label as targetLabel,
                organization_id as organizationId, ip, user_agent as userAgent, outcome, details,
                prev_hash as prevHash, hash
           from audit_entries where id > ? order by id limit ?`,
        [previousId, BATCH],
      );
      for (const row of rows) {
        if (row.prevHash !== expectedPrev) {
          return {
            ok: false,
            entryId: row.id,
            problem: `the chain breaks before entry #${row.id}: an entry was removed or inserted after #${previousId}`,
            checked,
          };
        }
        if (entryHash(this.key, row) !== row.hash) {
          return { ok: false, entryId: row.id, problem: `entry #${row.id} was changed or forged`, checked };
        }
        expectedPrev = row.hash;
        previousId = row.id;
        checked++;
      }
      if (rows.length < BATCH) break;
    }
    return { ok: true, entries: checked, checkpoints: checkpoints.length };
  }

  /**
   * Removes entries older than AUDIT_RETENTION_DAYS from the chain's start, a
   * batch per transaction, leaving a signed checkpoint so verify() still passes.
   */
  async applyRetention(): Promise<{ removed: number }> {
    const cutoff = +this.clock.now() - this.config.auditRetentionDays * 86_400_000;
    let removed = 0;
    for (;;) {
      const batch = await this.em.transactional(async () => {
        const rows = await this.sql.all<{ id: number; hash: string }>(
          'select id, hash from audit_entries where at < ? order by id limit ?',
          [cutoff, BATCH],
        );
        if (rows.length === 0) return 0;
        const last = rows[rows.length - 1];
        await this.sql.run('update audit_gate set retention_open = 1 where id = 1');
        const deleted = await this.sql.all<{ count: number }>('delete from audit_entries where id <= ? returning id', [
          last.id,
        ]);
        await this.sql.run('update audit_gate set retention_open = 0 where id = 1');
        const checkpoint = {
          at: +this.clock.now(),
          throughId: last.id,
          throughHash: last.hash,
          removed: deleted.length,
        };
        await this.sql.run(
          'insert into audit_checkpoints (at, through_id, through_hash, removed, hash) values (?, ?, ?, ?, ?)',
          [
            checkpoint.at,
            checkpoint.throughId,
            checkpoint.throughHash,
            checkpoint.removed,
            checkpointHash(this.key, checkpoint),
          ],
        );
        return deleted.length;
      });
      removed += batch;
      if (batch < BATCH) break;
    }
    if (removed > 0) {
      await this.audit.record({
        action: 'audit.retention_applied',
        target: { type: 'audit_log' },
        organizationId: null,
        details: { removed, retentionDays: this.config.auditRetentionDays },
      });
    }
    return { removed };
  }
}
