export interface RateLimitHit {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** Fixed-window counters keyed by opaque strings; local memory on one node, Redis on many. */
export interface RateLimiter {
  /**
   * Counts one hit against `key` in a window of `windowMs`; returns whether it is allowed and, when not,
   * how many seconds until the window resets.
   */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  /**
   * `hit` without a promise, where counting needs no I/O (process memory): the relay counts every
   * message.send, and a promise per send costs microtasks. Absent where counting is remote (Redis).
   */
  hitSync?(key: string, limit: number, windowMs: number): RateLimitHit;
  /** Forgets a key (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}
