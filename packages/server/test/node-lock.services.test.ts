import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '@omechat/test-kit';
import { TEST_REDIS_URL } from './test-redis.js';

// The safety net of DESIGN §11: nodes that cannot see each other never share a database.
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
let dbName: string;
let DATABASE_URL: string;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(sql);
  await c.end();
}

beforeAll(async () => {
  dbName = `omechat_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${dbName}`);
  DATABASE_URL = URL.replace(/\/[^/]*$/, `/${dbName}`);
});

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const r = new Redis(TEST_REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
});

describe('one database, several nodes', () => {
  it('refuses a second node without REDIS_URL, with a message that says what to do', async () => {
    const first = await startTestServer({ DATABASE_URL });
    await expect(startTestServer({ DATABASE_URL })).rejects.toThrow(
      /Another OmeChat node already uses this PostgreSQL database.*REDIS_URL/,
    );
    // A clustered node may not join a node that runs alone either.
    await expect(
      startTestServer({ DATABASE_URL, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }),
    ).rejects.toThrow(/without REDIS_URL already uses this PostgreSQL database/);
    await first.destroy();
  });

  it('lets any number of nodes with REDIS_URL share it, and keeps a lone node out meanwhile', async () => {
    const env = { DATABASE_URL, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    const n1 = await startTestServer(env);
    const n2 = await startTestServer(env);
    await expect(startTestServer({ DATABASE_URL })).rejects.toThrow(/REDIS_URL/);
    await n1.destroy();
    await n2.destroy();
    // All gone: the lock went with them.
    const alone = await startTestServer({ DATABASE_URL });
    await alone.destroy();
  });
});
