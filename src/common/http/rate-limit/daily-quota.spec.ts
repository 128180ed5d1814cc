import { SlidingQuota } from './daily-quota';

describe('SlidingQuota', () => {
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

  it('allows `limit` uses per key in any window, then says how long until one is free', () => {
    const quota = new SlidingQuota(2, 100);
    expect(quota.take('a', at(0))).toBeNull();
    expect(quota.take('a', at(10))).toBeNull();
    expect(quota.take('a', at(20))).toBe(80);
    // Another key has its own count.
    expect(quota.take('b', at(20))).toBeNull();
    // The refused attempt took nothing: the first use is free again at 100 s.
    expect(quota.take('a', at(99))).toBe(1);
    expect(quota.take('a', at(100))).toBeNull();
  });

  it('gives back a use whose work did not happen', () => {
    const quota = new SlidingQuota(1, 100);
    expect(quota.take('a', at(0))).toBeNull();
    quota.giveBack('a');
    expect(quota.take('a', at(1))).toBeNull();
    expect(quota.take('a', at(2))).not.toBeNull();
  });
});
