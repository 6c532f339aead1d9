import { join } from 'node:path';
import type { Config } from './config.js';
import type { Store } from './ports/store.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';

/** The store the config names: PostgreSQL with DATABASE_URL, else the SQLite file in DATA_DIR. */
export async function openStore(config: Config): Promise<Store> {
  return config.DATABASE_URL
    ? PostgresStore.open({ connectionString: config.DATABASE_URL })
    : new SqliteStore({
        filename: join(config.DATA_DIR, 'omechat.db'),
        synchronous: config.SQLITE_SYNCHRONOUS,
      });
}
