import Database from 'better-sqlite3';
import type { Sql } from '../../platform/database/sql';
import { FAILURE_MEMORY_MS, LockoutStateRepository, type LockoutPolicy } from './lockout-state.repository';

// The statements themselves, on a real SQLite table: the rules live in SQL.
describe('LockoutStateRepository', () => {
  const policy: LockoutPolicy = { maxFailures: 3, lockoutSeconds: 60, maxLockoutSeconds: 200 };
  const T0 = 1_800_000_000_000;
  let db: Database.Database;
  let repo: LockoutStateRepository;

  const row = () =>
    db
      .prepare(
        'select failed_sign_ins as failures, last_failed_at as lastFailedAt, locked_until as lockedUntil, lockouts from people',
      )
      .get() as { failures: number; lastFailedAt: number | null; lockedUntil: number | null; lockouts: number };
  const failTimes = async (n: number, at: number) => {
    let last = null;
    for (let i = 0; i < n; i++) last = await repo.recordFailure('p1', at, policy);
    return last;
  };

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(`create table people (id text primary key, email text not null, name text not null, status text not null,
      anti_phishing_phrase text, organization_id text, failed_sign_ins integer not null default 0,
      last_failed_at integer, locked_until integer, lockouts integer not null default 0)`);
    db.prepare(`insert into people (id, email, name, status) values ('p1', 'a@example.test', 'Ann', 'active')`).run();
    const sql = { all: (text: string, params: unknown[]) => Promise.resolve(db.prepare(text).all(...params)) };
    repo = new LockoutStateRepository(sql as unknown as Sql);
  });
  afterEach(() => db.close());

  it('counts failures and locks on reaching the threshold, reporting it once', async () => {
    expect(await failTimes(2, T0)).toMatchObject({ failures: 2, lockedUntil: null, lockouts: 0 });
    const locking = await repo.recordFailure('p1', T0, policy);
    expect(locking).toMatchObject({ failures: 3, lockedUntil: T0 + 60_000, lockouts: 1, email: 'a@example.test' });
    expect(await repo.recordFailure('p1', T0 + 1000, policy)).toBeNull();
    expect(row()).toEqual({ failures: 3, lastFailedAt: T0, lockedUntil: T0 + 60_000, lockouts: 1 });
  });

  it('doubles each lockout and caps it', async () => {
    const periods: number[] = [];
    let now = T0;
    for (let i = 0; i < 4; i++) {
      const locked = await failTimes(3, now);
      periods.push((locked!.lockedUntil! - now) / 1000);
      now = locked!.lockedUntil!;
    }
    expect(periods).toEqual([60, 120, 200, 200]);
  });

  it('keeps the doubling inside 64 bits however many lockouts there were', async () => {
    db.prepare('update people set lockouts = 5000').run();
    const locked = await failTimes(3, T0);
    expect(locked!.lockedUntil).toBe(T0 + 200_000);
  });

  it('restarts the count once the lockout ran out, and after 12 hours without failures', async () => {
    await failTimes(3, T0);
    expect(await repo.recordFailure('p1', T0 + 60_000, policy)).toMatchObject({ failures: 1, lockedUntil: null });
    await repo.recordFailure('p1', T0 + 60_000, policy);
    expect(await repo.recordFailure('p1', T0 + 60_000 + FAILURE_MEMORY_MS, policy)).toMatchObject({ failures: 1 });
    expect(await repo.recordFailure('p1', T0 + 60_001 + FAILURE_MEMORY_MS, policy)).toMatchObject({ failures: 2 });
  });

  it('never stores a count above the threshold, even if the threshold was lowered', async () => {
    db.prepare('update people set failed_sign_ins = 7, last_failed_at = ?').run(T0);
    expect(await repo.recordFailure('p1', T0, policy)).toMatchObject({ failures: 3, lockouts: 1 });
  });

  it('lifts only lockouts that ran out, keeping the number of lockouts', async () => {
    await failTimes(3, T0);
    expect(await repo.liftExpired(T0 + 59_999)).toEqual([]);
    expect(await repo.isLocked('p1', T0 + 59_999)).toBe(true);
    expect(await repo.isLocked('p1', T0 + 60_000)).toBe(false);
    expect(await repo.liftExpired(T0 + 60_000, 'p1')).toEqual([
      { personId: 'p1', email: 'a@example.test', organizationId: null, lockouts: 1 },
    ]);
    expect(row()).toMatchObject({ failures: 0, lockedUntil: null, lockouts: 1 });
  });

  it('clears everything, saying whether there was anything to clear', async () => {
    expect(await repo.clear('p1')).toBe(false);
    await failTimes(3, T0);
    expect(await repo.lockedUntil('p1', T0)).toBe(T0 + 60_000);
    expect(await repo.clear('p1')).toBe(true);
    expect(row()).toEqual({ failures: 0, lastFailedAt: null, lockedUntil: null, lockouts: 0 });
  });
});
