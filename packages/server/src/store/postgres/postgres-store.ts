import pg from 'pg';
import { ComposedStore } from '../composed-store.js';
import { PostgresAccountStore } from './postgres-account-store.js';
import { PostgresChatStore } from './postgres-chat-store.js';
import { PostgresEnvelopeStore } from './postgres-envelope-store.js';
import { migrate } from './postgres-migrate.js';
import { PostgresModerationStore } from './postgres-moderation-store.js';
import { PostgresPrekeyStore } from './postgres-prekey-store.js';
import { PostgresQueries } from './postgres-queries.js';
import { PostgresServerKeyStore } from './postgres-server-key-store.js';
import { PostgresV1ImportStore } from './postgres-v1-import-store.js';

// BIGINT columns hold ms timestamps and ids: parse them as JS numbers (safe below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresStoreOptions {
  connectionString: string;
  /** Tables live in this schema (created if missing); tests use a fresh one each. */
  schema?: string;
  max?: number;
}

/**
 * The store for many nodes: PostgreSQL through a `pg` pool, same contract as SqliteStore. Each
 * table group is its own file (postgres-*-store.ts); this opens the pool, migrates and closes.
 */
export class PostgresStore extends ComposedStore {
  readonly moderation: PostgresModerationStore;
  readonly v1Import: PostgresV1ImportStore;

  private constructor(readonly pool: pg.Pool) {
    const db = new PostgresQueries(pool);
    super({
      accounts: new PostgresAccountStore(db),
      chats: new PostgresChatStore(db),
      envelopes: new PostgresEnvelopeStore(db),
      prekeys: new PostgresPrekeyStore(db),
      serverKeys: new PostgresServerKeyStore(db),
    });
    this.moderation = new PostgresModerationStore(db);
    this.v1Import = new PostgresV1ImportStore(pool);
  }

  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = opts.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
    const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max ?? 10 });
    // Queries on a client run in order, so this SET precedes the first real query on it.
    pool.on('connect', (c) => void c.query(`SET search_path TO ${schema}`).catch(() => undefined));
    // An idle client that loses its connection emits 'error'; the pool replaces it, and the next
    // query reports any lasting trouble. Unhandled, the event would crash the process.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool);
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      await migrate(client);
    } finally {
      client.release();
    }
    return store;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
