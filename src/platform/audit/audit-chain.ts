import { createHmac } from 'node:crypto';

/** The columns an entry's hash covers, in order. */
export interface ChainedEntry {
  at: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  organizationId: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: string;
  details: string | null;
  prevHash: string;
}

export interface Checkpoint {
  at: number;
  throughId: number;
  throughHash: string;
  removed: number;
}

/** The chain starts from this "previous hash". */
export const GENESIS = '';

/** The hashed fields in chain order, with their columns (the insert uses the same order). */
export const CHAIN_COLUMNS: [keyof ChainedEntry, string][] = [
  ['at', 'at'],
  ['actorType', 'actor_type'],
  ['actorId', 'actor_id'],
  ['actorLabel', 'actor_label'],
  ['action', 'action'],
  ['targetType', 'target_type'],
  ['targetId', 'target_id'],
  ['targetLabel', 'target_label'],
  ['organizationId', 'organization_id'],
  ['ip', 'ip'],
  ['userAgent', 'user_agent'],
  ['outcome', 'outcome'],
  ['details', 'details'],
  ['prevHash', 'prev_hash'],
];

/**
 * HMAC-SHA256 over an entry's content and the previous entry's hash. Without
 * the key (derived from APP_SECRET) nobody can forge an entry that verifies.
 */
export function entryHash(key: Buffer, entry: ChainedEntry): string {
  const content = JSON.stringify(CHAIN_COLUMNS.map(([field]) => entry[field]));
  return createHmac('sha256', key).update(content).digest('hex');
}

export function checkpointHash(key: Buffer, checkpoint: Checkpoint): string {
  const content = JSON.stringify([
    'checkpoint',
    checkpoint.at,
    checkpoint.throughId,
    checkpoint.throughHash,
    checkpoint.removed,
  ]);
  return createHmac('sha256', key).update(content).digest('hex');
}
