// When a failed delivery is tried again. A message gets MAIL_MAX_ATTEMPTS
// tries spread over about an hour (30 s, 1, 2, 4, 8, 16, 32 min), then it is
// marked failed for an operator to see and re-send.

export const MAIL_MAX_ATTEMPTS = 8;
export const MAIL_BACKOFF_BASE_SECONDS = 30;
export const MAIL_BACKOFF_MAX_SECONDS = 3600;

/** Seconds to wait after the `attempts`-th failed attempt: 30 s × 2^(attempts−1), capped at 1 h. */
export function backoffSeconds(attempts: number): number {
  const exponent = Math.max(0, Math.floor(attempts) - 1);
  // 2^exponent overflows to Infinity long before it matters; the cap keeps it finite.
  return Math.min(MAIL_BACKOFF_BASE_SECONDS * 2 ** exponent, MAIL_BACKOFF_MAX_SECONDS);
}

export type RetryDecision = { status: 'queued'; nextAttemptAt: number } | { status: 'failed' };

/** What happens to a message whose `attempts`-th attempt failed at `now` (epoch ms). */
export function afterFailure(attempts: number, now: number): RetryDecision {
  if (attempts >= MAIL_MAX_ATTEMPTS) return { status: 'failed' };
  return { status: 'queued', nextAttemptAt: now + backoffSeconds(attempts) * 1000 };
}
