import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../ports/clock.js';
import type { RateLimiter, RateLimitHit } from '../ports/rate-limiter.js';

/**
 * KEYS: windows; ARGV: per key its delta then its window ms. Adds each node's unsent hits to the
 * shared count and returns {count, ms left} per key: one round trip for every key of a sync.
 */
const SYNC = `local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCRBY', key, ARGV[2 * i - 1])
  local left = redis.call('PTTL', key)
  if left < 0 then redis.call('PEXPIRE', key, ARGV[2 * i]) left = tonumber(ARGV[2 * i]) end
  out[i] = {n, left}
end
return out`;

/** Windows kept at most (as MemoryRateLimiter): past it, expired ones go, then the oldest. */
const MAX_WINDOWS = 500_000;
/** Keys per sync script, so one sync never blocks Redis for long. */
const MAX_KEYS_PER_SYNC = 500;

interface Window {
  /** The shared count as Redis last said (this node's synced hits included). */
  shared: number;
  /** This node's hits not yet added to Redis, and those on their way. */
  unsent: number;
  sending: number;
  resetAt: number;
  windowMs: number;
}

/**
 * Fixed-window counters with a shared budget and no round trip per hit (for hot limits such as
 * messages per account): each node decides from the last shared count plus its own unsent hits,
 * and adds its hits to Redis every `syncMs` in one script. Across nodes a limit can therefore be
 * exceeded by what the other nodes admitted since their last sync (docs/operations.md "Rate
 * limits across nodes"); on one node it is exact. If Redis is unreachable, each node goes on
 * counting its own hits, so the limit still holds per node.
 */
export class RedisSyncedRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Redis commands sent (the bench counts round trips). */
  commands = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
    private readonly syncMs = 250,
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitHit> {
    return this.hitSync(key, limit, windowMs);
  }

  /** Decided from memory (the sync to Redis runs later), so no promise per message.send. */
  hitSync(key: string, limit: number, windowMs: number): RateLimitHit {
    const now = this.clock.now();
    const k = this.key(key);
    let w = this.windows.get(k);
    if (!w || w.resetAt <= now) {
      this.windows.delete(k);
      w = { shared: 0, unsent: 0, sending: 0, resetAt: now + windowMs, windowMs };
      if (this.windows.size >= MAX_WINDOWS) this.evict(now);
      this.windows.set(k, w);
    }
    w.unsent++;
    this.schedule();
    const allowed = w.shared + w.sending + w.unsent <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async reset(key: string) {
    const k = this.key(key);
    this.windows.delete(k);
    this.commands++;
    await this.redis.del(k);
  }

  /** Sends what is unsent now (tests, shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = [...this.windows].filter(([, w]) => w.unsent > 0);
    for (let i = 0; i < due.length; i += MAX_KEYS_PER_SYNC)
      await this.sync(due.slice(i, i + MAX_KEYS_PER_SYNC));
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.syncMs);
    this.timer.unref?.();
  }

  private async sync(batch: [string, Window][]): Promise<void> {
    const sent = batch.map(([, w]) => w.unsent);
    batch.forEach(([, w], i) => {
      w.unsent = 0;
      w.sending += sent[i]!;
    });
    const args: (string | number)[] = [];
    batch.forEach(([, w], i) => args.push(sent[i]!, w.windowMs));
    let reply: [number, number][];
    try {
      this.commands++;
      reply = (await this.redis.eval(SYNC, batch.length, ...batch.map(([k]) => k), ...args)) as [
        number,
        number,
      ][];
    } catch {
      // Not lost: counted again at the next sync; meanwhile this node counts them itself.
      batch.forEach(([, w], i) => {
        w.sending -= sent[i]!;
        w.unsent += sent[i]!;
      });
      this.schedule();
      return;
    }
    const now = this.clock.now();
    batch.forEach(([k, w], i) => {
      const [count, left] = reply[i]!;
      w.sending -= sent[i]!;
      // A window that started over meanwhile keeps its own count.
      if (this.windows.get(k) !== w) return;
      w.shared = count;
      w.resetAt = now + left;
    });
  }

  private evict(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now && w.unsent === 0) this.windows.delete(k);
    for (const k of this.windows.keys()) {
      if (this.windows.size < MAX_WINDOWS) break;
      this.windows.delete(k);
    }
  }

  // The same keys as RedisRateLimiter: hashed, since some name a username.
  private key(key: string): string {
    return `${this.prefix}rl:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
  }
}
