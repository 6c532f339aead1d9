import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ComposedStore } from '../composed-store.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import { SqliteChatStore } from './sqlite-chat-store.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteEnvelopeStore } from './sqlite-envelope-store.js';
import { migrate } from './sqlite-migrate.js';
import { SqliteModerationStore } from './sqlite-moderation-store.js';
import { SqlitePrekeyStore } from './sqlite-prekey-store.js';
import { SqliteServerKeyStore } from './sqlite-server-key-store.js';
import { SqliteV1ImportStore } from './sqlite-v1-import-store.js';

export interface SqliteStoreOptions {
  /** Path of the database file; ':memory:' is refused on purpose (tests use real files). */
  filename: string;
  /** WAL synchronous level: NORMAL survives process crashes, FULL also power loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

/**
 * The default store: one SQLite file in WAL mode, migrated by numbered SQL files at open, one
 * file per table group (sqlite-*-store.ts). Deleted rows leave no bytes behind (docs/security.md):
 * `secure_delete` zeroes them in the database file, and a TRUNCATE checkpoint after deleting an
 * account (at once) or a chat or device (within a second) empties the WAL, which still holds the
 * pages as they were before the delete (SqliteCheckpointer).
 */
export class SqliteStore extends ComposedStore {
  readonly db: Database.Database;
  readonly moderation: SqliteModerationStore;
  readonly v1Import: SqliteV1ImportStore;
  private readonly checkpoints: SqliteCheckpointer;

  constructor(opts: SqliteStoreOptions) {
    const db = openDatabase(opts);
    const checkpoints = new SqliteCheckpointer(db);
    super({
      accounts: new SqliteAccountStore(db, checkpoints),
      chats: new SqliteChatStore(db, checkpoints),
      envelopes: new SqliteEnvelopeStore(db),
      prekeys: new SqlitePrekeyStore(db),
      serverKeys: new SqliteServerKeyStore(db),
    });
    this.db = db;
    this.checkpoints = checkpoints;
    this.moderation = new SqliteModerationStore(db);
    this.v1Import = new SqliteV1ImportStore(db);
  }

  async close(): Promise<void> {
    this.checkpoints.stop();
    if (!this.db.open) return;
    this.checkpoints.now();
    this.db.close();
  }
}

function openDatabase(opts: SqliteStoreOptions): Database.Database {
  mkdirSync(dirname(opts.filename), { recursive: true });
  const db = new Database(opts.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  migrate(db);
  return db;
}
