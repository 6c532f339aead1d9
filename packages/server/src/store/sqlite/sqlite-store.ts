import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientRecord, Store, UserRecord } from '../../ports/store.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface SqliteStoreOptions {
  /** Path of the database file; ':memory:' is refused on purpose (tests use real files). */
  filename: string;
  /** WAL synchronous level: NORMAL survives process crashes, FULL also power loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

/** The default store: one SQLite file in WAL mode, migrated by numbered SQL files at open. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(opts: SqliteStoreOptions) {
    mkdirSync(dirname(opts.filename), { recursive: true });
    this.db = new Database(opts.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.stmts = {
      insertUser: this.db.prepare(
        `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at, last_seen_day)
         VALUES (@user_hash, @username, @username_key, @secret_hash, @age_at_signup, @created_at, @last_seen_day)
         ON CONFLICT DO NOTHING`,
      ),
      getUser: this.db.prepare('SELECT * FROM users WHERE user_hash = ?'),
      getUserByKey: this.db.prepare('SELECT * FROM users WHERE username_key = ?'),
      deleteUser: this.db.prepare('DELETE FROM users WHERE user_hash = ?'),
      insertClient: this.db.prepare(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day)
         VALUES (@client_hash, @user_hash, @token_hash, @label, @created_at, @last_seen_day)`,
      ),
      getClient: this.db.prepare('SELECT * FROM clients WHERE client_hash = ?'),
      listClients: this.db.prepare(
        'SELECT * FROM clients WHERE user_hash = ? ORDER BY created_at, client_hash',
      ),
      deleteClient: this.db.prepare('DELETE FROM clients WHERE user_hash = ? AND client_hash = ?'),
      touchClient: this.db.prepare('UPDATE clients SET last_seen_day = ? WHERE client_hash = ?'),
      touchUser: this.db.prepare(
        'UPDATE users SET last_seen_day = ? WHERE user_hash = (SELECT user_hash FROM clients WHERE client_hash = ?)',
      ),
    };
  }

  async createUser(user: UserRecord): Promise<boolean> {
    return this.stmts.insertUser.run(user).changes === 1;
  }

  async getUser(user_hash: string): Promise<UserRecord | null> {
    return (this.stmts.getUser.get(user_hash) as UserRecord | undefined) ?? null;
  }

  async getUserByUsernameKey(username_key: string): Promise<UserRecord | null> {
    return (this.stmts.getUserByKey.get(username_key) as UserRecord | undefined) ?? null;
  }

  async deleteUser(user_hash: string): Promise<boolean> {
    return this.stmts.deleteUser.run(user_hash).changes === 1;
  }

  async createClient(client: ClientRecord): Promise<void> {
    this.stmts.insertClient.run(client);
  }

  async getClient(client_hash: string): Promise<ClientRecord | null> {
    return (this.stmts.getClient.get(client_hash) as ClientRecord | undefined) ?? null;
  }

  async listClients(user_hash: string): Promise<ClientRecord[]> {
    return this.stmts.listClients.all(user_hash) as ClientRecord[];
  }

  async deleteClient(user_hash: string, client_hash: string): Promise<boolean> {
    return this.stmts.deleteClient.run(user_hash, client_hash).changes === 1;
  }

  async touchLastSeen(client_hash: string, day: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.touchClient.run(day, client_hash);
      this.stmts.touchUser.run(day, client_hash);
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+-.+\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (applied.has(version)) continue;
    const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        version,
        Date.now(),
      );
    })();
  }
}
