export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the caller's window resets; for `Retry-After`. */
  retryAfter: number;
}

/**
 * A fixed-window counter per key, in memory (each replica counts its own). Old windows are swept
 * as new ones start, so memory stays bounded by the keys seen in one window.
 */
export type RateLimiter = (key: string, now?: number) => RateLimitVerdict;

export function createRateLimiter({
  max,
  windowSeconds,
}: {
  max: number;
  windowSeconds: number;
}): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;

  return function take(key: string, now = Date.now()): RateLimitVerdict {
    if (now >= nextSweep) {
      for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
      nextSweep = now + windowSeconds * 1000;
    }
    let window = windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSeconds * 1000 };
      windows.set(key, window);
    }
    window.count += 1;
    return {
      allowed: window.count <= max,
      retryAfter: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    };
  };
}
