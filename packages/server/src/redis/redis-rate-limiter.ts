import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimiter } from '../ports/rate-limiter.js';

/** KEYS: the window's key; ARGV: window ms. Returns {count, ms left}. */
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) left = tonumber(ARGV[1]) end
return {n, left}`;

/**
 * Fixed-window counters shared by every node (DESIGN §11): one key per window with the window as
 * its TTL, so Redis forgets expired windows by itself and a limit holds whichever node is asked.
 * Keys are hashed: some name a username key, which has no business in Redis.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowMs: number) {
    const [count, left] = (await this.redis.eval(HIT, 1, this.key(key), windowMs)) as [number, number];
    const allowed = count <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(left / 1000)) };
  }

  async reset(key: string) {
    await this.redis.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.prefix}rl:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
  }
}
