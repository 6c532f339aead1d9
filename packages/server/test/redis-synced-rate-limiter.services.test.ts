import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSyncedRateLimiter } from '../src/redis/redis-synced-rate-limiter.js';
import { TEST_REDIS_URL } from './test-redis.js';

// The message limit's adapter on a real Redis: two instances stand for two nodes. Each counts
// locally and adds its hits to the shared window when it syncs (a long sync interval here, so the
// test decides when that happens).
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
const clock = { now: () => Date.now() };

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const allowedOf = async (l: RedisSyncedRateLimiter, key: string, n: number, limit = 10) => {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await l.hit(key, limit, 60_000)).allowed) allowed++;
  return allowed;
};

describe('RedisSyncedRateLimiter', () => {
  it('is exact on one node without a round trip per hit', async () => {
    const a = new RedisSyncedRateLimiter(redis, prefix, clock, 60_000);
    expect(await allowedOf(a, 'one', 12)).toBe(10);
    expect(a.commands).toBe(0);
    const refused = await a.hit('one', 10, 60_000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    await a.flush();
    expect(a.commands).toBe(1);
  });

  it('shares one budget between nodes once they have synced', async () => {
    const a = new RedisSyncedRateLimiter(redis, prefix, clock, 60_000);
    const b = new RedisSyncedRateLimiter(redis, prefix, clock, 60_000);
    expect(await allowedOf(a, 'shared', 6)).toBe(6);
    await a.flush();
    // b had not heard of a's hits: its first one passes, then it syncs and knows the total.
    expect(await allowedOf(b, 'shared', 1)).toBe(1);
    await b.flush();
    expect(await allowedOf(b, 'shared', 5)).toBe(3);
    await b.flush();
    await a.flush();
    // a learns b's hits at its sync: the shared window is spent for it too.
    await a.hit('shared', 10, 60_000);
    await a.flush();
    expect(await allowedOf(a, 'shared', 1)).toBe(0);
    // reset forgets it everywhere it is asked next (locally at once, in Redis for the others' syncs).
    await a.reset('shared');
    expect(await allowedOf(a, 'shared', 1)).toBe(1);
  });
});
