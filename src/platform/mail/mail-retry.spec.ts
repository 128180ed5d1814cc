import { afterFailure, backoffSeconds, MAIL_MAX_ATTEMPTS } from './mail-retry';

describe('mail retry schedule', () => {
  it('doubles the wait from 30 seconds after each failed attempt', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffSeconds)).toEqual([30, 60, 120, 240, 480, 960, 1920]);
  });

  it('never waits longer than an hour', () => {
    expect(backoffSeconds(8)).toBe(3600);
    expect(backoffSeconds(50)).toBe(3600);
    expect(backoffSeconds(10_000)).toBe(3600);
  });

  it('treats a first attempt (or nonsense) as the shortest wait', () => {
    expect(backoffSeconds(0)).toBe(30);
    expect(backoffSeconds(-3)).toBe(30);
  });

  it('queues the message again until the cap, then fails it', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(afterFailure(1, now)).toEqual({ status: 'queued', nextAttemptAt: now + 30_000 });
    expect(afterFailure(3, now)).toEqual({ status: 'queued', nextAttemptAt: now + 120_000 });
    expect(afterFailure(MAIL_MAX_ATTEMPTS - 1, now)).toEqual({ status: 'queued', nextAttemptAt: now + 1_920_000 });
    expect(afterFailure(MAIL_MAX_ATTEMPTS, now)).toEqual({ status: 'failed' });
    // A stale lease re-claimed after a crash can push attempts past the cap.
    expect(afterFailure(MAIL_MAX_ATTEMPTS + 1, now)).toEqual({ status: 'failed' });
  });

  it('spreads the attempts over about an hour before giving up', () => {
    let total = 0;
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++) total += backoffSeconds(attempt);
    expect(total).toBe(3810);
  });
});
