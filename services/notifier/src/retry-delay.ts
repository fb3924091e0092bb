/** The longest wait a Retry-After may ask for; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Retry-After (RFC 9110): whole seconds or an HTTP date. Undefined when absent or unreadable;
 * never negative, never more than MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * The wait before the next try of a delivery: the first delay doubled with each attempt made
 * (5 s, 10 s, 20 s, … by default), or what the destination asked for if that is longer.
 */
export function deliveryRetryDelay(attemptsMade: number, firstDelayMs: number, retryAfterMs?: number): number {
  const backoff = firstDelayMs * 2 ** Math.max(attemptsMade - 1, 0);
  return Math.max(backoff, retryAfterMs ?? 0);
}
