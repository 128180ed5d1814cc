import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { currentRequestInfo, systemActor, type Actor } from '../../common/request-info';
import { deriveKeyBytes } from '../../common/security/keys';
import type { AppConfig } from '../../config/app.config';
import { APP_CONFIG } from '../../common/config.module';
import { entryHash, GENESIS, type ChainedEntry } from './audit-chain';
import { AUDIT_OUTCOMES, SECRET_KEY, type AuditDetailsShape, type AuditEntryInput } from './audit.types';
import { AuditChainRepository } from './audit-chain.repository';

// Later segments may start with a digit: `auth.2fa.enabled`, `user.2fa_reset` (docs/reference/audit-actions.md).
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)+$/;

// Staff act across organizations: the organization they belong to is not
// what their actions are about (see organizationOf).
const STAFF_ROLES = ['operator', 'helpdesk'];

/**
 * What a label may not carry into the audit: control characters (line breaks
 * included), line and paragraph separators and text-direction overrides. The
 * audit pages and the CSV show a label on one line as it reads; a forged
 * second line or a reversed name would mislead the reader. Stored as U+FFFD.
 */
const UNSHOWABLE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/gu;
const label = (text: string): string => text.slice(0, 254).replace(UNSHOWABLE, '\uFFFD');

/** How often an append is retried after another writer linked to the same entry first. */
const APPEND_ATTEMPTS = 5;

/** The unique index on prev_hash refused a second link to one entry: another writer appended first. */
function isForkRefused(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('audit_entries.prev_hash')
  );
}

/** WAL: another connection committed after this transaction read, so it may not write on a stale view. */
function isStaleSnapshot(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'SQLITE_BUSY_SNAPSHOT';
}

@Injectable()
export class AuditService {
  private readonly key: Buffer;

  constructor(
    private readonly chain: AuditChainRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {
    this.key = deriveKeyBytes(config.appSecret, 'audit-chain');
  }

  /**
   * Appends an entry to the hash chain inside the caller's transaction: if
   * this write fails, the caller's change fails with it. Outside one, the
   * append is a transaction of its own.
   */
  async record<D extends AuditDetailsShape>(input: AuditEntryInput<D>): Promise<void> {
    await this.recordMany([input]);
  }

  /**
   * Appends entries, in this order, as one piece of the chain: the chain's end
   * is read once, the hashes are chained in memory and the entries inserted a
   * chunk per statement, all in one savepoint of the caller's transaction (or
   * a transaction of its own). Every entry is written, or none. Bulk writes
   * (an import) use this rather than one record() per row.
   */
  async recordMany<D extends AuditDetailsShape>(inputs: readonly AuditEntryInput<D>[]): Promise<void> {
    if (inputs.length === 0) return;
    const info = currentRequestInfo();
    const at = +this.clock.now();
    const entries = inputs.map((input) => this.entryOf(input, info, at));
    await this.append(entries, this.em.isInTransaction());
  }

  private entryOf(
    input: AuditEntryInput<AuditDetailsShape>,
    info: ReturnType<typeof currentRequestInfo>,
    at: number,
  ): Omit<ChainedEntry, 'prevHash'> {
    if (!ACTION.test(input.action)) throw new Error(`Audit action "${input.action}" is not <aggregate>.<past-tense>`);
    const outcome = input.outcome ?? 'success';
    if (!AUDIT_OUTCOMES.includes(outcome)) throw new Error(`Audit outcome "${outcome}" is unknown`);
    for (const key of Object.keys(input.details ?? {})) {
      if (SECRET_KEY.test(key)) throw new Error(`Audit details may not carry "${key}": secrets are never audited`);
    }
    const actor = input.actor ?? info.actor ?? systemActor('system');
    return {
      at,
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: label(actor.label),
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      targetLabel: typeof input.target?.label === 'string' ? label(input.target.label) : null,
      organizationId: input.organizationId !== undefined ? input.organizationId : this.organizationOf(actor),
      ip: info.ip?.slice(0, 64) ?? null,
      userAgent: info.userAgent?.slice(0, 512) ?? null,
      outcome,
      details: input.details && Object.keys(input.details).length > 0 ? JSON.stringify(input.details) : null,
    };
  }

  /**
   * Reads the chain's end and inserts after it in one transaction: its own
   * (the single pooled connection serialises it against every other append of
   * this process), or a savepoint in the caller's (knex runs sibling
   * savepoints one after another), so a refused attempt is undone without
   * undoing the caller's change. The unique index on prev_hash refuses a fork
   * by another process; the append then re-reads and chains the whole batch again.
   */
  private async append(entries: Omit<ChainedEntry, 'prevHash'>[], nested: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.em.transactional(
          async () => {
            let prevHash = await this.previousHash();
            const chained = entries.map((entry) => {
              const link: ChainedEntry = { ...entry, prevHash };
              const hash = entryHash(this.key, link);
              prevHash = hash;
              return { entry: link, hash };
            });
            await this.chain.appendMany(chained);
          },
          { clear: true },
        );
        return;
      } catch (err) {
        // A stale snapshot is the caller's whole transaction's problem: retrying inside it cannot help.
        const retry = isForkRefused(err) || (!nested && isStaleSnapshot(err));
        if (!retry || attempt >= APPEND_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * The newest entry's hash; when retention has removed every entry, the
   * latest checkpoint's, which is where verify() picks the chain up.
   */
  private async previousHash(): Promise<string> {
    return (await this.chain.lastHash()) ?? (await this.chain.latestCheckpointHash()) ?? GENESIS;
  }

  /**
   * The organization an entry defaults to: the actor's, unless the actor is
   * staff (operator or helpdesk), who may belong to the install's own
   * organization but act for all of them; their entries name an organization
   * only when the caller passes it.
   */
  private organizationOf(actor: Actor): string | null {
    if (!actor.organizationId) return null;
    if (actor.type !== 'person' || !actor.id) return actor.organizationId;
    // Every person actor carries its role (sessions, sign-in, services that audit people).
    return actor.role && STAFF_ROLES.includes(actor.role) ? null : actor.organizationId;
  }
}
