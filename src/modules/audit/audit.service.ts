import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { currentRequestInfo, systemActor } from '../../common/request-info';
import { deriveKeyBytes } from '../../common/security/keys';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../config/config.module';
import { CHAIN_COLUMNS, entryHash, GENESIS, type ChainedEntry } from './audit-chain';
import { AUDIT_OUTCOMES, SECRET_KEY, type AuditDetailsShape, type AuditEntryInput } from './audit.types';

const INSERT = `insert into audit_entries (${CHAIN_COLUMNS.map(([, column]) => column).join(', ')}, hash)
  values (${CHAIN_COLUMNS.map(() => '?').join(', ')}, ?)`;

// Later segments may start with a digit: `auth.2fa.enabled`, `user.2fa_reset` (CONTRACT.md).
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)+$/;

@Injectable()
export class AuditService {
  private readonly key: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {
    this.key = deriveKeyBytes(config.appSecret, 'audit-chain');
  }

  /**
   * Appends an entry to the hash chain inside the caller's transaction: if
   * this write fails, the caller's change fails with it.
   */
  async record<D extends AuditDetailsShape>(input: AuditEntryInput<D>): Promise<void> {
    if (!ACTION.test(input.action)) throw new Error(`Audit action "${input.action}" is not <aggregate>.<past-tense>`);
    const outcome = input.outcome ?? 'success';
    if (!AUDIT_OUTCOMES.includes(outcome)) throw new Error(`Audit outcome "${outcome}" is unknown`);
    for (const key of Object.keys(input.details ?? {})) {
      if (SECRET_KEY.test(key)) throw new Error(`Audit details may not carry "${key}": secrets are never audited`);
    }
    const info = currentRequestInfo();
    const actor = input.actor ?? info.actor ?? systemActor('system');
    const [last] = await this.em.execute<{ hash: string }[]>('select hash from audit_entries order by id desc limit 1');
    const entry: ChainedEntry = {
      at: +this.clock.now(),
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label.slice(0, 254),
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      targetLabel: input.target?.label?.slice(0, 254) ?? null,
      organizationId: input.organizationId !== undefined ? input.organizationId : (actor.organizationId ?? null),
      ip: info.ip?.slice(0, 64) ?? null,
      userAgent: info.userAgent?.slice(0, 512) ?? null,
      outcome,
      details: input.details && Object.keys(input.details).length > 0 ? JSON.stringify(input.details) : null,
      prevHash: last?.hash ?? GENESIS,
    };
    await this.em.execute(INSERT, [...CHAIN_COLUMNS.map(([field]) => entry[field]), entryHash(this.key, entry)]);
  }
}
