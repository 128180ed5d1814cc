import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { deriveKeyBytes } from '../../common/security/keys';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';
import { checkpointHash, entryHash, GENESIS } from './audit-chain';
import { AuditService } from './audit.service';
import { AuditChainRepository } from './audit-chain.repository';

export type VerifyResult =
  | { ok: true; entries: number; checkpoints: number }
  | { ok: false; entryId: number | null; problem: string; checked: number };

const BATCH = 5000;

/** Verifies the audit hash chain, and trims it for retention without breaking it. */
@Injectable()
export class AuditIntegrityService {
  private readonly key: Buffer;

  constructor(
    private readonly chain: AuditChainRepository,
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
    const checkpoints = await this.chain.checkpoints();
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
      const rows = await this.chain.entriesAfter(previousId, BATCH);
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
        const rows = await this.chain.oldestBefore(cutoff, BATCH);
        if (rows.length === 0) return 0;
        const last = rows[rows.length - 1];
        const removedNow = await this.chain.removeThrough(last.id);
        const checkpoint = { at: +this.clock.now(), throughId: last.id, throughHash: last.hash, removed: removedNow };
        await this.chain.insertCheckpoint(checkpoint, checkpointHash(this.key, checkpoint));
        return removedNow;
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
