import { createRateLimiter, type RateLimitVerdict } from './rate-limit.js';

/**
 * Counts failures (a refused token request, a failed sign-in) rather than requests: after `max`
 * failures of one key in a window, every request of that key is refused until the window ends,
 * whatever it would have been; successes never count. In memory, per replica, like the limiter.
 */
export interface FailureLimiter {
  /** Whether `key` may be served now; counts nothing. */
  check(key: string, now?: number): RateLimitVerdict;
  /** Counts one failure of `key`. */
  fail(key: string, now?: number): void;
}

export function createFailureLimiter({
  max,
  windowSeconds,
}: {
  max: number;
  windowSeconds: number;
}): FailureLimiter {
  // The `max`-th failure is the first one a limiter of `max - 1` refuses: that closes the key.
  const count = createRateLimiter({ max: max - 1, windowSeconds });
  const closedUntil = new Map<string, number>();
  let nextSweep = 0;

  return {
    check(key, now = Date.now()) {
      const until = closedUntil.get(key);
      if (until === undefined || until <= now) return { allowed: true, retryAfter: 0 };
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) };
    },
    fail(key, now = Date.now()) {
      if (now >= nextSweep) {
        for (const [k, until] of closedUntil) if (until <= now) closedUntil.delete(k);
        nextSweep = now + windowSeconds * 1000;
      }
      const verdict = count(key, now);
      if (!verdict.allowed) closedUntil.set(key, now + verdict.retryAfter * 1000);
    },
  };
}
