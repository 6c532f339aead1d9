import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisNetworkState } from '../src/redis/redis-network-state.js';
import { RedisSharedKeys } from '../src/redis/redis-shared-keys.js';
import { TEST_REDIS_URL } from './test-redis.js';

// The Redis adapters of the network layer on a real Redis: two instances stand for two nodes.
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
let t = Date.now();
const now = () => t;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const ban = (id: string, network_hash: string, ends_at: number) => ({
  ban_id: id,
  network_hash,
  report_id: 'r'.repeat(32),
  created_at: t,
  ends_at,
  moderator: 'mod',
  reason: 'a reason for it',
});

describe('RedisNetworkState and RedisSharedKeys', () => {
  it('share spent challenges, scores, account networks and bans between nodes, every key with a TTL', async () => {
    const a = new RedisNetworkState(redis, prefix, now);
    const b = new RedisNetworkState(redis, prefix, now);
    expect(await a.spendChallenge('sig1', t + 60_000)).toBe(true);
    expect(await b.spendChallenge('sig1', t + 60_000)).toBe(false);

    expect(await a.bump('s', 4, 1000)).toBe(4);
    t += 1000;
    expect(await b.score('s', 1000)).toBeCloseTo(2);
    expect(await b.bump('s', 1, 1000)).toBeCloseTo(3);

    await a.rememberNetwork('u'.repeat(32), 'n1', 60_000);
    expect(await b.networkOf('u'.repeat(32))).toBe('n1');

    await a.addBan(ban('b1', 'n1', t + 3_600_000));
    await a.addBan(ban('b2', 'n1', t + 7_200_000));
    expect((await b.banOf('n1'))?.ban_id).toBe('b2');
    expect(await b.banOf('n2')).toBeNull();
    expect((await b.listBans()).map((x) => x.ban_id).sort()).toEqual(['b1', 'b2']);
    expect(await b.liftBan('b2')).toBe(true);
    expect(await a.liftBan('b2')).toBe(false);
    expect((await a.banOf('n1'))?.ban_id).toBe('b1');

    // Nothing without an end: Redis forgets all of it by itself.
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(4);
    for (const k of keys) expect(await redis.pttl(k), k).toBeGreaterThan(0);
    // No user hash in a key name.
    expect(keys.join()).not.toContain('u'.repeat(32));
  });

  it('a ban ends by itself and the number of bans is capped', async () => {
    t = Date.now(); // this test waits for Redis to expire a key: node and Redis time agree
    const s = new RedisNetworkState(redis, `${prefix}cap:`, now, {
      spent: 10,
      scores: 10,
      networks: 10,
      bans: 2,
    });
    await s.addBan(ban('c1', 'm1', t + 150));
    await s.addBan(ban('c2', 'm2', t + 3_600_000));
    await expect(s.addBan(ban('c3', 'm3', t + 3_600_000))).rejects.toMatchObject({ code: 'SERVICE_BUSY' });
    await new Promise((r) => setTimeout(r, 300));
    t += 300;
    expect(await s.banOf('m1')).toBeNull();
    await s.addBan(ban('c3', 'm3', t + 3_600_000));
    expect((await s.listBans()).map((x) => x.ban_id).sort()).toEqual(['c2', 'c3']);
  });

  it('shared keys: the first node makes a key, the others get the same one until it expires', async () => {
    const a = new RedisSharedKeys(redis, prefix, now);
    const b = new RedisSharedKeys(redis, prefix, now);
    const k = await a.get('k1', 200);
    expect(k).toHaveLength(32);
    expect((await b.get('k1', 200)).equals(k)).toBe(true);
    expect((await b.get('k2', 200)).equals(k)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    t += 300;
    const fresh = new RedisSharedKeys(redis, prefix, now);
    expect((await fresh.get('k1', 200)).equals(k)).toBe(false);
    // A node's own copy never outlives the key in Redis.
    expect((await a.get('k1', 200)).equals(await fresh.get('k1', 200))).toBe(true);
  });
});
