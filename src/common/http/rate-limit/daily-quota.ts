/**
 * At most `limit` uses per key in any `windowSeconds` (a sliding window), kept
 * in memory (one process). Time comes from the caller (the injected Clock).
 */
export class SlidingQuota {
  private readonly uses = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowSeconds: number,
  ) {}

  /** Takes one use for `key`: null when taken, else the seconds until one is free again (nothing taken). */
  take(key: string, now: Date): number | null {
    const at = now.getTime();
    const since = at - this.windowSeconds * 1000;
    if (this.uses.size > 10_000) this.sweep(since);
    const recent = (this.uses.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= this.limit) {
      this.uses.set(key, recent);
      return Math.max(1, Math.ceil((recent[0] - since) / 1000));
    }
    recent.push(at);
    this.uses.set(key, recent);
    return null;
  }

  /** Gives back the last use of `key` (the work it was taken for did not happen). */
  giveBack(key: string): void {
    this.uses.get(key)?.pop();
  }

  private sweep(since: number): void {
    for (const [key, times] of this.uses) {
      if (times.every((t) => t <= since)) this.uses.delete(key);
    }
  }
}
