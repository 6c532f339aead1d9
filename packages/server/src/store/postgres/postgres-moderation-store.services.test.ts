import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeModerationRules } from '../moderation-rules-contract.js';
import { describeModerationStoreContract } from '../moderation-store-contract.js';
import { PostgresStore } from './postgres-store.js';

// Needs PostgreSQL (see README); fails loudly when it is not there.
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema; `reopen` closes the pool and opens the same schema again (a restart). */
async function openFresh() {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let store = await PostgresStore.open({ connectionString: URL, schema, max: 4 });
  return {
    store,
    async reopen() {
      await store.close();
      store = await PostgresStore.open({ connectionString: URL, schema, max: 4 });
      return store;
    },
    async cleanup() {
      await store.close();
      const c = new pg.Client({ connectionString: URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

describeModerationStoreContract('PostgresStore', openFresh);
describeModerationRules('PostgresStore', openFresh);
