import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { describeV1ImportStoreContract } from '../v1-import-store-contract.js';
import { PostgresStore } from './postgres-store.js';

// Needs PostgreSQL (see README); fails loudly when it is not there.
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function openFresh() {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await PostgresStore.open({ connectionString: URL, schema, max: 4 });
  return {
    store,
    async cleanup() {
      await store.close();
      const c = new pg.Client({ connectionString: URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

describeStoreContract('PostgresStore', openFresh);
describeV1ImportStoreContract('PostgresStore', openFresh);

describe('PostgresStore specifics', () => {
  it('is reachable (this suite must not pass without PostgreSQL)', async () => {
    const c = new pg.Client({ connectionString: URL });
    await c.connect();
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await c.end();
  });

  it('hands each one-time prekey out once under concurrent takes', async () => {
    const { store, cleanup } = await openFresh();
    try {
      await store.createUser({
        user_hash: 'u'.repeat(64),
        username: 'x',
        username_key: 'x',
        secret_hash: 'h',
        age_at_signup: 20,
        created_at: 1,
        last_seen_day: null,
        secret_kind: 'authenticator',
        legacy_secret: false,
        identity_key: null,
      });
      await store.createClient({
        client_hash: 'c'.repeat(64),
        user_hash: 'u'.repeat(64),
        token_hash: 't',
        label: null,
        created_at: 1,
        last_seen_day: null,
        rotation_only: false,
      });
      await store.putBundle('c'.repeat(64), 'b', 1);
      await store.addOneTimePrekeys(
        'c'.repeat(64),
        Array.from({ length: 20 }, (_, i) => ({ id: i, key: `k${i}` })),
      );
      const taken = await Promise.all(Array.from({ length: 30 }, () => store.takeBundle('c'.repeat(64))));
      const ids = taken.map((t) => t?.one_time_prekey?.id).filter((id) => id !== undefined);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(20);
    } finally {
      await cleanup();
    }
  });
});
