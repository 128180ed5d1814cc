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

/**
 * HMAC-SHA256 over an entry's content and the previous entry's hash. Without
 * the key (derived from APP_SECRET) nobody can forge an entry that verifies.
 */
export function entryHash(key: Buffer, entry: ChainedEntry): string {
  const content = JSON.stringify([
    entry.at,
    entry.actorType,
    entry.actorId,
    entry.actorLabel,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.targetLabel,
    entry.organizationId,
    entry.ip,
    entry.userAgent,
    entry.outcome,
    entry.details,
    entry.prevHash,
  ]);
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
