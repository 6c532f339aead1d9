import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SharedKeys } from '../ports/shared-keys.js';

/** KEYS: the key's name; ARGV: a fresh key, TTL ms. The first writer wins; returns {key, ms left}. */
const GET_OR_MAKE = `redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`;

/** How long a node trusts its copy: after a Redis restart, nodes agree again within this time. */
const LOCAL_COPY_MS = 60_000;

/**
 * `SharedKeys` for many nodes: each key lives in Redis memory with its TTL (so Redis forgets it by
 * itself) and the first node to ask makes it atomically. A node keeps a copy for at most a minute
 * and never beyond the key's TTL, so hashing a request or checking a challenge costs no round trip.
 */
export class RedisSharedKeys implements SharedKeys {
  private readonly copies = new Map<string, { key: Buffer; until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(name: string, ttlMs: number): Promise<Buffer> {
    const now = this.now();
    const copy = this.copies.get(name);
    if (copy && copy.until > now) return copy.key;
    const [hex, left] = (await this.redis.eval(
      GET_OR_MAKE,
      1,
      `${this.prefix}key:${name}`,
      randomBytes(32).toString('hex'),
      Math.max(1, Math.ceil(ttlMs)),
    )) as [string, number];
    for (const [k, v] of this.copies) if (v.until <= now) this.copies.delete(k);
    const key = Buffer.from(hex, 'hex');
    this.copies.set(name, { key, until: now + Math.min(LOCAL_COPY_MS, Math.max(0, left)) });
    return key;
  }
}
