import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

/** The 12 hours after which earlier failures are forgotten. */
export const FAILURE_MEMORY_MS = 12 * 60 * 60 * 1000;

export interface LockoutPolicy {
  maxFailures: number;
  lockoutSeconds: number;
  maxLockoutSeconds: number;
}

/** A person's row after a failure was counted. */
export interface FailureRow {
  failures: number;
  /** Set when this very failure started a lockout. */
  lockedUntil: number | null;
  lockouts: number;
  email: string;
  name: string;
  status: string;
  antiPhishingPhrase: string | null;
  organizationId: string | null;
}

export interface LiftedRow {
  personId: string;
  email: string;
  organizationId: string | null;
  lockouts: number;
}

// Binds `:name` placeholders in order as positional `?` (knex's raw bindings),
// so a value used several times in a statement is written once.
function bind(sql: string, values: Record<string, unknown>): [string, unknown[]] {
  const params: unknown[] = [];
  const text = sql.replace(/:([a-z]\w*)/gi, (_, name: string) => {
    if (!(name in values)) throw new Error(`No value for :${name}`);
    params.push(values[name]);
    return '?';
  });
  return [text, params];
}

// The count restarts after a lockout ran out (however it is lifted later) and
// once the last failure is older than FAILURE_MEMORY_MS.
const FRESH = `(locked_until is not null and locked_until <= :now)
  or last_failed_at is null or last_failed_at <= :forgetBefore`;
const NEXT_COUNT = `(case when ${FRESH} then 1 else failed_sign_ins + 1 end)`;
// LOCKOUT_SECONDS × 2^(lockouts so far), capped; the shift is bounded so the
// product stays far inside 64 bits (2^25 s × 2^30).
const LOCK_MS = `min(:lockoutSeconds * (1 << min(lockouts, 30)), :maxLockoutSeconds) * 1000`;

const RECORD_FAILURE = `update people set
    failed_sign_ins = min(${NEXT_COUNT}, :maxFailures),
    last_failed_at = :now,
    locked_until = case when ${NEXT_COUNT} >= :maxFailures then :now + ${LOCK_MS} else null end,
    lockouts = lockouts + (case when ${NEXT_COUNT} >= :maxFailures then 1 else 0 end)
  where id = :id and (locked_until is null or locked_until <= :now)
  returning failed_sign_ins as failures, locked_until as lockedUntil, lockouts, email, name, status,
    anti_phishing_phrase as antiPhishingPhrase, organization_id as organizationId`;

/**
 * The lockout columns of `people` (the rules are the auth module's
 * LockoutService, which passes its policy in). Every change is one conditional statement,
 * so concurrent sign-ins can never count past the threshold or lock twice.
 * Never flushes: the service owns the transaction.
 */
@Injectable()
export class LockoutStateRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Counts one failure, locking when it reaches the threshold. A row locked
   * right now is left alone (failures during a lockout neither count nor
   * extend it): then, as for an unknown id, the answer is null.
   */
  async recordFailure(personId: string, now: number, policy: LockoutPolicy): Promise<FailureRow | null> {
    const [sql, params] = bind(RECORD_FAILURE, {
      id: personId,
      now,
      forgetBefore: now - FAILURE_MEMORY_MS,
      maxFailures: policy.maxFailures,
      lockoutSeconds: policy.lockoutSeconds,
      maxLockoutSeconds: policy.maxLockoutSeconds,
    });
    const rows = await this.sql.all<FailureRow>(sql, params);
    return rows[0] ?? null;
  }

  async isLocked(personId: string, now: number): Promise<boolean> {
    const rows = await this.sql.all<{ found: number }>(
      'select 1 as found from people where id = ? and locked_until > ?',
      [personId, now],
    );
    return rows.length > 0;
  }

  /** The end of the lockout in force, or null. */
  async lockedUntil(personId: string, now: number): Promise<number | null> {
    const rows = await this.sql.all<{ lockedUntil: number }>(
      'select locked_until as lockedUntil from people where id = ? and locked_until > ?',
      [personId, now],
    );
    return rows[0]?.lockedUntil ?? null;
  }

  /**
   * Lifts the lockouts that have run out (everyone's, or one person's): the
   * failure count starts again, the number of lockouts stays for the doubling.
   */
  liftExpired(now: number, personId?: string): Promise<LiftedRow[]> {
    return this.sql.all<LiftedRow>(
      `update people set locked_until = null, failed_sign_ins = 0
        where locked_until is not null and locked_until <= ?${personId ? ' and id = ?' : ''}
        returning id as personId, email, organization_id as organizationId, lockouts`,
      personId ? [now, personId] : [now],
    );
  }

  /** Forgets failures and lockouts (a successful sign-in, a reset, an unlock); false when there was nothing to clear. */
  async clear(personId: string): Promise<boolean> {
    const rows = await this.sql.all<{ id: string }>(
      `update people set failed_sign_ins = 0, last_failed_at = null, locked_until = null, lockouts = 0
        where id = ? and (failed_sign_ins <> 0 or lockouts <> 0 or locked_until is not null or last_failed_at is not null)
        returning id`,
      [personId],
    );
    return rows.length > 0;
  }
}
