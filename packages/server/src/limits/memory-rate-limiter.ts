import type { Clock } from '../ports/clock.js';
import type { RateLimitHit, RateLimiter } from '../ports/rate-limiter.js';

/** Windows kept at most; far above honest use (a window per network, account-and-network, pair). */
export const MAX_RATE_WINDOWS = 500_000;

/**
 * Fixed-window counters in process memory. Expired windows are swept, and the number of windows is
 * capped: outsiders choose the keys (networks, usernames), so without a cap they could grow it at
 * will. Past the cap the oldest windows are forgotten first, which only ever lets attempts through
 * early, never refuses anyone more.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxWindows = MAX_RATE_WINDOWS,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitHit> {
    return this.hitSync(key, limit, windowMs);
  }

  hitSync(key: string, limit: number, windowMs: number): RateLimitHit {
    const now = this.clock.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.windows.delete(key);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
      if (this.windows.size > this.maxWindows) this.evictOldest();
    }
    w.count++;
    const allowed = w.count <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }

  /** Maps iterate in insertion order: the first entries are the oldest windows. O(1) per new key. */
  private evictOldest() {
    for (const k of this.windows.keys()) {
      if (this.windows.size <= this.maxWindows) break;
      this.windows.delete(k);
    }
  }
}
