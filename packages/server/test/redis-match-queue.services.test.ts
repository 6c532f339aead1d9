import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Match } from '../src/core/matching/matching-queue.js';
import { RedisBus } from '../src/redis/redis-bus.js';
import { RedisMatchQueue } from '../src/redis/redis-match-queue.js';
import { TEST_REDIS_URL } from './test-redis.js';

const TTL = 1500;
const hex = () => randomBytes(32).toString('hex');
let buses: RedisBus[] = [];
let prefix = '';

/** n nodes (a bus each, for heartbeats) sharing one queue in Redis. */
async function nodes(n: number, opts: { blocked?: Set<string>; skipCooldownMs?: number } = {}) {
  prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
  buses = await Promise.all(
    Array.from({ length: n }, () => RedisBus.connect({ url: TEST_REDIS_URL, prefix, presenceTtlMs: TTL })),
  );
  return buses.map(
    (bus) =>
      new RedisMatchQueue({
        redis: bus.redis,
        prefix,
        nodeId: bus.nodeId,
        presenceTtlMs: TTL,
        now: Date.now,
        isBlocked: (a, b) => opts.blocked?.has([a, b].sort().join('|')) ?? false,
        skipCooldownMs: opts.skipCooldownMs ?? 60_000,
      }),
  );
}

afterEach(async () => {
  for (const b of buses) await b.close();
  const r = new Redis(TEST_REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
});

const user = (age: number, tolerance = 2) => ({ user_hash: hex(), client_hash: hex(), age, tolerance });

describe('RedisMatchQueue: one queue for every node', () => {
  it('matches users on different nodes, the longest-waiting compatible one first', async () => {
    const [q1, q2] = await nodes(2);
    const old = user(30);
    const mid = user(31);
    const far = user(40);
    expect(await q1!.join(old)).toBeNull();
    expect(await q2!.join(far)).toBeNull();
    expect(await q1!.join(mid)).toMatchObject({
      a: { user_hash: old.user_hash },
      b: { user_hash: mid.user_hash },
    });
    const late = user(30);
    expect(await q2!.join(late)).toBeNull();
    expect(q1!.size + q2!.size).toBe(2);
  });

  it('keeps the ATSS walls: 17 never meets 18, a minor tolerance is capped at 2', async () => {
    const [q1, q2] = await nodes(2);
    expect(await q1!.join(user(17, 5))).toBeNull();
    expect(await q2!.join(user(18, 5))).toBeNull();
    expect(await q1!.join(user(14, 5))).toBeNull();
    expect(await q2!.join(user(17, 5))).toMatchObject({ a: { age: 17 }, b: { age: 17 } });
    expect(await q2!.join(user(12 + 1, 5))).toMatchObject({ a: { age: 14 }, b: { age: 13 } });
  });

  it('pairs everyone of 40 concurrent compatible joiners on 3 nodes, once each', async () => {
    const qs = await nodes(3);
    const people = Array.from({ length: 40 }, () => user(25, 5));
    const results = await Promise.all(people.map((p, i) => qs[i % 3]!.join(p)));
    // Under contention a joiner may stay queued until the next sweep (every second on a server).
    const swept = await Promise.all(qs.map((q) => q.sweep()));
    const matches = [...results, ...swept.flat()].filter((m): m is Match => m !== null);
    const paired = matches.flatMap((m) => [m.a.user_hash, m.b.user_hash]);
    expect(new Set(paired).size).toBe(paired.length);
    expect(paired.length).toBe(40);
  });

  it('keeps a skipped pair apart until the cooldown ends, then the sweep pairs them', async () => {
    const [q1, q2] = await nodes(2, { skipCooldownMs: 400 });
    const a = user(30);
    const b = user(30);
    await q1!.recordSkip(a.user_hash, b.user_hash);
    expect(await q1!.join(a)).toBeNull();
    expect(await q2!.join(b)).toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    const swept = [...(await q1!.sweep()), ...(await q2!.sweep())];
    expect(swept).toHaveLength(1);
    expect(swept[0]).toMatchObject({ a: { user_hash: a.user_hash }, b: { user_hash: b.user_hash } });
  });

  it('never pairs a blocked pair, and forgets the waiting users of a dead node', async () => {
    const a = user(30);
    const b = user(30);
    const [q1, q2, q3] = await nodes(3, { blocked: new Set([[a.user_hash, b.user_hash].sort().join('|')]) });
    expect(await q1!.join(a)).toBeNull();
    expect(await q2!.join(b)).toBeNull();
    buses[0]!.kill();
    await new Promise((r) => setTimeout(r, TTL + 200));
    const c = user(30);
    // a (dead node) is gone; b is the only one left for c.
    expect(await q3!.join(c)).toMatchObject({ a: { user_hash: b.user_hash } });
    buses = buses.slice(1);
  });
});
