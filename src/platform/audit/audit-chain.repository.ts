import { Injectable } from '@nestjs/common';
import { rowChunks, Sql } from '../database/sql';
import { CHAIN_COLUMNS, type ChainedEntry } from './audit-chain';

export type EntryRow = ChainedEntry & { id: number; hash: string };
export type CheckpointRow = {
  id: number;
  at: number;
  throughId: number;
  throughHash: string;
  removed: number;
  hash: string;
};

const INSERT = `insert into audit_entries (${CHAIN_COLUMNS.map(([, column]) => column).join(', ')}, hash) values `;
const ROW = `(${CHAIN_COLUMNS.map(() => '?').join(', ')}, ?)`;
/** Entries per insert statement: 15 bound values each, far below SQLite's 32,766. */
const APPEND_CHUNK = 200;

/** The chain's writes and the reads that check it: entries, checkpoints, the retention gate. */
@Injectable()
export class AuditChainRepository {
  constructor(private readonly sql: Sql) {}

  /** Inserts entries already chained, in order (ids grow with it), a chunk per statement. */
  async appendMany(entries: readonly { entry: ChainedEntry; hash: string }[]): Promise<void> {
    for (const chunk of rowChunks(entries, APPEND_CHUNK)) {
      await this.sql.run(
        INSERT + chunk.map(() => ROW).join(', '),
        chunk.flatMap(({ entry, hash }) => [...CHAIN_COLUMNS.map(([field]) => entry[field]), hash]),
      );
    }
  }

  async lastHash(): Promise<string | null> {
    const [last] = await this.sql.all<{ hash: string }>('select hash from audit_entries order by id desc limit 1');
    return last?.hash ?? null;
  }

  async latestCheckpointHash(): Promise<string | null> {
    const [checkpoint] = await this.sql.all<{ throughHash: string }>(
      'select through_hash as throughHash from audit_checkpoints order by id desc limit 1',
    );
    return checkpoint?.throughHash ?? null;
  }

  checkpoints(): Promise<CheckpointRow[]> {
    return this.sql.all<CheckpointRow>(
      `select id, at, through_id as throughId, through_hash as throughHash, removed, hash from audit_checkpoints order by id`,
    );
  }

  entriesAfter(id: number, limit: number): Promise<EntryRow[]> {
    return this.sql.all<EntryRow>(
      `select id, at, actor_type as actorType, actor_id as actorId, actor_label as actorLabel, action,
              target_type as targetType, target_id as targetId, target_label as targetLabel,
              organization_id as organizationId, ip, user_agent as userAgent, outcome, details,
              prev_hash as prevHash, hash
         from audit_entries where id > ? order by id limit ?`,
      [id, limit],
    );
  }

  oldestBefore(cutoff: number, limit: number): Promise<{ id: number; hash: string }[]> {
    return this.sql.all<{ id: number; hash: string }>(
      'select id, hash from audit_entries where at < ? order by id limit ?',
      [cutoff, limit],
    );
  }

  /** Removes the chain's start through `id`: only with the gate open, which the triggers check. */
  async removeThrough(id: number): Promise<number> {
    await this.sql.run('update audit_gate set retention_open = 1 where id = 1');
    const deleted = await this.sql.all('delete from audit_entries where id <= ? returning id', [id]);
    await this.sql.run('update audit_gate set retention_open = 0 where id = 1');
    return deleted.length;
  }

  async insertCheckpoint(checkpoint: Omit<CheckpointRow, 'id' | 'hash'>, hash: string): Promise<void> {
    await this.sql.run(
      'insert into audit_checkpoints (at, through_id, through_hash, removed, hash) values (?, ?, ?, ?, ?)',
      [checkpoint.at, checkpoint.throughId, checkpoint.throughHash, checkpoint.removed, hash],
    );
  }
}
