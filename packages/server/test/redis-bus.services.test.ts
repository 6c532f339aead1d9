import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisBus } from '../src/redis/redis-bus.js';
import { busContract } from './bus-contract.js';

import { TEST_REDIS_URL } from './test-redis.js';

// Real Redis; each cluster gets a key prefix of its own.
const TTL = 1500;

busContract('RedisBus (real Redis)', async (nodes) => {
  const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
  const buses = await Promise.all(
    Array.from({ length: nodes }, () =>
      RedisBus.connect({ url: TEST_REDIS_URL, prefix, presenceTtlMs: TTL }),
    ),
  );
  const killed = new Set<number>();
  return {
    buses,
    deadAfterMs: TTL,
    kill: async (i) => {
      killed.add(i);
      buses[i]!.kill();
    },
    close: async () => {
      for (const [i, b] of buses.entries()) if (!killed.has(i)) await b.close();
      const r = new Redis(TEST_REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length > 0) await r.del(...keys);
      r.disconnect();
    },
  };
});
