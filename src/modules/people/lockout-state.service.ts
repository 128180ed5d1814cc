import { Injectable } from '@nestjs/common';
import {
  LockoutStateRepository,
  type FailureRow,
  type LiftedRow,
  type LockoutPolicy,
} from './lockout-state.repository';

export type { FailureRow, LiftedRow, LockoutPolicy } from './lockout-state.repository';

/**
 * A person's failed sign-ins and lockouts, kept on their row so people lists
 * can filter on them. The auth module's LockoutService decides the policy and
 * what follows (mail, audit); every change here is one conditional statement.
 */
@Injectable()
export class LockoutStateService {
  constructor(private readonly repo: LockoutStateRepository) {}

  recordFailure(personId: string, now: number, policy: LockoutPolicy): Promise<FailureRow | null> {
    return this.repo.recordFailure(personId, now, policy);
  }

  isLocked(personId: string, now: number): Promise<boolean> {
    return this.repo.isLocked(personId, now);
  }

  lockedUntil(personId: string, now: number): Promise<number | null> {
    return this.repo.lockedUntil(personId, now);
  }

  liftExpired(now: number, personId?: string): Promise<LiftedRow[]> {
    return this.repo.liftExpired(now, personId);
  }

  clear(personId: string): Promise<boolean> {
    return this.repo.clear(personId);
  }
}
