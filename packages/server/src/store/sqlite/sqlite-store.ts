import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ChatRecord,
  ClientRecord,
  EnvelopeRecord,
  NewEnvelope,
  OneTimeKemPrekey,
  PendingUsage,
  SecretRotation,
  Store,
  UserRecord,
} from '../../ports/store.js';
import { SqliteModerationStore } from './sqlite-moderation-store.js';
import { SqliteV1ImportStore } from './sqlite-v1-import-store.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Deleted chats and devices are wiped from the WAL within this long (accounts at once). */
const CHECKPOINT_DELAY_MS = 1000;

export interface SqliteStoreOptions {
  /** Path of the database file; ':memory:' is refused on purpose (tests use real files). */
  filename: string;
  /** WAL synchronous level: NORMAL survives process crashes, FULL also power loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

/**
 * The default store: one SQLite file in WAL mode, migrated by numbered SQL files at open.
 * Deleted rows leave no bytes behind (docs/security.md): `secure_delete` zeroes them in the
 * database file, and a TRUNCATE checkpoint after deleting an account (at once) or a chat or device
 * (within a second) empties the WAL, which still holds the pages as they were before the delete.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  readonly moderation: SqliteModerationStore;
  readonly v1Import: SqliteV1ImportStore;
  private readonly stmts;
  private checkpointTimer: NodeJS.Timeout | undefined;

  constructor(opts: SqliteStoreOptions) {
    mkdirSync(dirname(opts.filename), { recursive: true });
    this.db = new Database(opts.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('secure_delete = ON');
    migrate(this.db);
    this.moderation = new SqliteModerationStore(this.db);
    this.v1Import = new SqliteV1ImportStore(this.db);
    this.stmts = {
      insertUser: this.db.prepare(
        `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at, last_seen_day,
                            secret_kind, legacy_secret, identity_key)
         VALUES (@user_hash, @username, @username_key, @secret_hash, @age_at_signup, @created_at, @last_seen_day,
                 @secret_kind, @legacy_secret, @identity_key)
         ON CONFLICT DO NOTHING`,
      ),
      getUser: this.db.prepare('SELECT * FROM users WHERE user_hash = ?'),
      getUserByKey: this.db.prepare('SELECT * FROM users WHERE username_key = ?'),
      deleteUser: this.db.prepare('DELETE FROM users WHERE user_hash = ?'),
      insertClient: this.db.prepare(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         VALUES (@client_hash, @user_hash, @token_hash, @label, @created_at, @last_seen_day, @rotation_only)`,
      ),
      insertClientCapped: this.db.prepare(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         SELECT @client_hash, @user_hash, @token_hash, @label, @created_at, @last_seen_day, @rotation_only
         WHERE (SELECT COUNT(*) FROM clients WHERE user_hash = @user_hash) < @max`,
      ),
      getClient: this.db.prepare('SELECT * FROM clients WHERE client_hash = ?'),
      listClients: this.db.prepare(
        'SELECT * FROM clients WHERE user_hash = ? ORDER BY created_at, client_hash',
      ),
      deleteClient: this.db.prepare('DELETE FROM clients WHERE user_hash = ? AND client_hash = ?'),
      touchClient: this.db.prepare('UPDATE clients SET last_seen_day = ? WHERE client_hash = ?'),
      setIdentityKey: this.db.prepare(
        'UPDATE users SET identity_key = ? WHERE user_hash = ? AND identity_key IS NULL',
      ),
      markLegacy: this.db.prepare(
        "UPDATE users SET secret_kind = 'raw', legacy_secret = 1 WHERE user_hash = ?",
      ),
      rotateUser: this.db.prepare(
        `UPDATE users SET secret_hash = @secret_hash, secret_kind = 'authenticator', legacy_secret = 0,
         identity_key = @identity_key WHERE user_hash = @user_hash`,
      ),
      keepClient: this.db.prepare(
        'UPDATE clients SET rotation_only = 0 WHERE client_hash = ? AND user_hash = ?',
      ),
      touchUser: this.db.prepare(
        'UPDATE users SET last_seen_day = ? WHERE user_hash = (SELECT user_hash FROM clients WHERE client_hash = ?)',
      ),
      insertChat: this.db.prepare(
        'INSERT INTO chats (chat_id, user_a, user_b, origin, created_at) VALUES (@chat_id, @user_a, @user_b, @origin, @created_at)',
      ),
      getChat: this.db.prepare('SELECT * FROM chats WHERE chat_id = ?'),
      listChats: this.db.prepare(
        'SELECT * FROM chats WHERE user_a = ? OR user_b = ? ORDER BY created_at, chat_id',
      ),
      deleteChat: this.db.prepare('DELETE FROM chats WHERE chat_id = ?'),
      insertEnvelope: this.db.prepare(
        `INSERT INTO envelopes (recipient_client, from_user, from_client, chat_id, msg_id, ts, ciphertext, cf, rf, kid, expires_at)
         VALUES (@recipient_client, @from_user, @from_client, @chat_id, @msg_id, @ts, @ciphertext, @cf, @rf, @kid, @expires_at)`,
      ),
      readEnvelopes: this.db.prepare(
        'SELECT * FROM envelopes WHERE recipient_client = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      deleteEnvelope: this.db.prepare('DELETE FROM envelopes WHERE recipient_client = ? AND id = ?'),
      deleteExpired: this.db.prepare('DELETE FROM envelopes WHERE expires_at <= ?'),
      limitChatEnvelopes: this.db.prepare(
        'UPDATE envelopes SET expires_at = ? WHERE chat_id = ? AND expires_at > ?',
      ),
      countEnvelopes: this.db.prepare('SELECT COUNT(*) AS n FROM envelopes WHERE recipient_client = ?'),
      pendingUsage: this.db.prepare(
        `SELECT client_hash, envelopes, bytes FROM pending_totals
         WHERE client_hash IN (SELECT value FROM json_each(?)) AND envelopes > 0`,
      ),
      putBundle: this.db.prepare(
        `INSERT INTO prekey_bundles (client_hash, bundle, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (client_hash) DO UPDATE SET bundle = excluded.bundle, updated_at = excluded.updated_at`,
      ),
      addOtpk: this.db.prepare(
        'INSERT INTO one_time_prekeys (client_hash, key_id, public_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getBundle: this.db.prepare('SELECT bundle FROM prekey_bundles WHERE client_hash = ?'),
      takeOtpk: this.db.prepare(
        `DELETE FROM one_time_prekeys WHERE rowid = (SELECT rowid FROM one_time_prekeys WHERE client_hash = ? ORDER BY key_id LIMIT 1)
         RETURNING key_id, public_key`,
      ),
      countOtpk: this.db.prepare('SELECT COUNT(*) AS n FROM one_time_prekeys WHERE client_hash = ?'),
      addKemOtpk: this.db.prepare(
        'INSERT INTO one_time_kem_prekeys (client_hash, key_id, public_key, signature) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      takeKemOtpk: this.db.prepare(
        `DELETE FROM one_time_kem_prekeys WHERE rowid = (SELECT rowid FROM one_time_kem_prekeys WHERE client_hash = ? ORDER BY key_id LIMIT 1)
         RETURNING key_id, public_key, signature`,
      ),
      countKemOtpk: this.db.prepare('SELECT COUNT(*) AS n FROM one_time_kem_prekeys WHERE client_hash = ?'),
      insertServerKey: this.db.prepare(
        'INSERT INTO server_keys (kid, purpose, key_hex, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getServerKey: this.db.prepare('SELECT key_hex FROM server_keys WHERE kid = ? AND purpose = ?'),
      deleteServerKeys: this.db.prepare('DELETE FROM server_keys WHERE purpose = ? AND created_at < ?'),
      addBlockedPair: this.db.prepare(
        'INSERT INTO blocked_pairs (pair_hash, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      isBlockedPair: this.db.prepare('SELECT 1 FROM blocked_pairs WHERE pair_hash = ?'),
      listBlockedPairs: this.db.prepare('SELECT pair_hash FROM blocked_pairs'),
    };
  }

  async createUser(user: UserRecord): Promise<boolean> {
    return this.stmts.insertUser.run({ ...user, legacy_secret: user.legacy_secret ? 1 : 0 }).changes === 1;
  }

  async getUser(user_hash: string): Promise<UserRecord | null> {
    return userRow(this.stmts.getUser.get(user_hash));
  }

  async getTrust(user_hash: string): Promise<{ chats: number; since: number } | null> {
    return (
      (this.db.prepare('SELECT chats, since FROM trust WHERE user_hash = ?').get(user_hash) as
        { chats: number; since: number } | undefined) ?? null
    );
  }

  async addTrustedChat(user_hash: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 1, created_at FROM users WHERE user_hash = ?
         ON CONFLICT (user_hash) DO UPDATE SET chats = chats + 1`,
      )
      .run(user_hash);
  }

  async resetTrust(user_hash: string, since: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 0, ? FROM users WHERE user_hash = ?
         ON CONFLICT (user_hash) DO UPDATE SET chats = 0, since = excluded.since`,
      )
      .run(since, user_hash);
  }

  async getUserByUsernameKey(username_key: string): Promise<UserRecord | null> {
    return userRow(this.stmts.getUserByKey.get(username_key));
  }

  async deleteUser(user_hash: string): Promise<boolean> {
    const deleted = this.stmts.deleteUser.run(user_hash).changes === 1;
    if (deleted) this.checkpoint();
    return deleted;
  }

  async createClient(client: ClientRecord, maxPerUser?: number): Promise<boolean> {
    const row = { ...client, rotation_only: client.rotation_only ? 1 : 0 };
    if (maxPerUser === undefined) return this.stmts.insertClient.run(row).changes === 1;
    return this.stmts.insertClientCapped.run({ ...row, max: maxPerUser }).changes === 1;
  }

  async getClient(client_hash: string): Promise<ClientRecord | null> {
    const row = this.stmts.getClient.get(client_hash) as ClientRecord | undefined;
    return row ? clientRow(row) : null;
  }

  async listClients(user_hash: string): Promise<ClientRecord[]> {
    return (this.stmts.listClients.all(user_hash) as ClientRecord[]).map(clientRow);
  }

  async setIdentityKey(user_hash: string, identity_key: string): Promise<boolean> {
    return this.stmts.setIdentityKey.run(identity_key, user_hash).changes === 1;
  }

  async markLegacySecret(user_hash: string): Promise<boolean> {
    return this.stmts.markLegacy.run(user_hash).changes === 1;
  }

  async rotateSecret(r: SecretRotation): Promise<string[] | null> {
    const revoked = this.db.transaction(() => {
      if (this.stmts.keepClient.run(r.keep_client, r.user_hash).changes !== 1) return null;
      this.stmts.rotateUser.run(r);
      const others = (this.stmts.listClients.all(r.user_hash) as ClientRecord[])
        .map((c) => c.client_hash)
        .filter((c) => c !== r.keep_client);
      for (const c of others) this.stmts.deleteClient.run(r.user_hash, c);
      return others;
    })();
    if (revoked?.length) this.scheduleCheckpoint();
    return revoked;
  }

  async deleteClient(user_hash: string, client_hash: string): Promise<boolean> {
    const deleted = this.stmts.deleteClient.run(user_hash, client_hash).changes === 1;
    if (deleted) this.scheduleCheckpoint();
    return deleted;
  }

  async touchLastSeen(client_hash: string, day: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.touchClient.run(day, client_hash);
      this.stmts.touchUser.run(day, client_hash);
    })();
  }

  async createChat(chat: ChatRecord): Promise<void> {
    this.stmts.insertChat.run(chat);
  }

  async getChat(chat_id: string): Promise<ChatRecord | null> {
    return (this.stmts.getChat.get(chat_id) as ChatRecord | undefined) ?? null;
  }

  async listChats(user_hash: string): Promise<ChatRecord[]> {
    return this.stmts.listChats.all(user_hash, user_hash) as ChatRecord[];
  }

  async deleteChat(chat_id: string): Promise<boolean> {
    const deleted = this.stmts.deleteChat.run(chat_id).changes === 1;
    if (deleted) this.scheduleCheckpoint();
    return deleted;
  }

  async appendEnvelopes(envelopes: NewEnvelope[]): Promise<EnvelopeRecord[]> {
    return this.appendTx(envelopes);
  }

  private readonly appendTx = (envelopes: NewEnvelope[]): EnvelopeRecord[] =>
    this.db.transaction((list: NewEnvelope[]) =>
      list.map((e) => ({ ...e, id: String(this.stmts.insertEnvelope.run(e).lastInsertRowid) })),
    )(envelopes);

  async readEnvelopes(
    recipient_client: string,
    afterId: string | null,
    limit: number,
  ): Promise<EnvelopeRecord[]> {
    const rows = this.stmts.readEnvelopes.all(
      recipient_client,
      afterId === null ? 0 : Number(afterId),
      limit,
    ) as (Omit<EnvelopeRecord, 'id'> & { id: number })[];
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }

  async deleteEnvelopes(recipient_client: string, ids: string[]): Promise<number> {
    return this.db.transaction(() => {
      let n = 0;
      for (const id of ids) n += this.stmts.deleteEnvelope.run(recipient_client, Number(id)).changes;
      return n;
    })();
  }

  async deleteExpiredEnvelopes(now: number): Promise<number> {
    return this.stmts.deleteExpired.run(now).changes;
  }

  async limitChatEnvelopes(chat_id: string, expires_by: number): Promise<number> {
    return this.stmts.limitChatEnvelopes.run(expires_by, chat_id, expires_by).changes;
  }

  async countEnvelopes(recipient_client: string): Promise<number> {
    return (this.stmts.countEnvelopes.get(recipient_client) as { n: number }).n;
  }

  async pendingUsage(recipient_clients: readonly string[]): Promise<Map<string, PendingUsage>> {
    const rows = this.stmts.pendingUsage.all(JSON.stringify(recipient_clients)) as ({
      client_hash: string;
    } & PendingUsage)[];
    return new Map(rows.map((r) => [r.client_hash, { envelopes: r.envelopes, bytes: r.bytes }]));
  }

  async putBundle(client_hash: string, bundle: string, updated_at: number): Promise<void> {
    this.stmts.putBundle.run(client_hash, bundle, updated_at);
  }

  async addOneTimePrekeys(client_hash: string, keys: { id: number; key: string }[]): Promise<void> {
    this.db.transaction(() => {
      for (const k of keys) this.stmts.addOtpk.run(client_hash, k.id, k.key);
    })();
  }

  async addOneTimeKemPrekeys(client_hash: string, keys: OneTimeKemPrekey[]): Promise<void> {
    this.db.transaction(() => {
      for (const k of keys) this.stmts.addKemOtpk.run(client_hash, k.id, k.key, k.signature);
    })();
  }

  async takeBundle(client_hash: string) {
    return this.db.transaction(() => {
      const b = this.stmts.getBundle.get(client_hash) as { bundle: string } | undefined;
      if (!b) return null;
      const k = this.stmts.takeOtpk.get(client_hash) as { key_id: number; public_key: string } | undefined;
      const q = this.stmts.takeKemOtpk.get(client_hash) as
        { key_id: number; public_key: string; signature: string } | undefined;
      return {
        bundle: b.bundle,
        one_time_prekey: k ? { id: k.key_id, key: k.public_key } : null,
        one_time_kem_prekey: q ? { id: q.key_id, key: q.public_key, signature: q.signature } : null,
      };
    })();
  }

  async countOneTimePrekeys(client_hash: string): Promise<number> {
    return (this.stmts.countOtpk.get(client_hash) as { n: number }).n;
  }

  async countOneTimeKemPrekeys(client_hash: string): Promise<number> {
    return (this.stmts.countKemOtpk.get(client_hash) as { n: number }).n;
  }

  async getOrCreateServerKey(purpose: string, kid: number, key_hex: string, now: number): Promise<string> {
    return this.db.transaction(() => {
      this.stmts.insertServerKey.run(kid, purpose, key_hex, now);
      return (this.stmts.getServerKey.get(kid, purpose) as { key_hex: string }).key_hex;
    })();
  }

  async getServerKey(purpose: string, kid: number): Promise<string | null> {
    return (this.stmts.getServerKey.get(kid, purpose) as { key_hex: string } | undefined)?.key_hex ?? null;
  }

  async deleteServerKeysCreatedBefore(purpose: string, before: number): Promise<number> {
    return this.stmts.deleteServerKeys.run(purpose, before).changes;
  }

  async addBlockedPair(pair_hash: string, now: number): Promise<void> {
    this.stmts.addBlockedPair.run(pair_hash, now);
  }

  async isBlockedPair(pair_hash: string): Promise<boolean> {
    return this.stmts.isBlockedPair.get(pair_hash) !== undefined;
  }

  async listBlockedPairs(): Promise<string[]> {
    return (this.stmts.listBlockedPairs.all() as { pair_hash: string }[]).map((r) => r.pair_hash);
  }

  async close(): Promise<void> {
    clearTimeout(this.checkpointTimer);
    if (!this.db.open) return;
    this.checkpoint();
    this.db.close();
  }

  /** Copies the WAL into the database file and truncates it, so pages from before a delete are gone. */
  private checkpoint(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    if (!this.db.open) return;
    try {
      // Another process reading the file (a backup) can keep it busy: try again a bit later.
      const [r] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (r?.busy) this.scheduleCheckpoint();
    } catch {
      this.scheduleCheckpoint();
    }
  }

  /** Deletions of chats and devices can come in bursts: one checkpoint covers those of a second. */
  private scheduleCheckpoint(): void {
    this.checkpointTimer ??= setTimeout(() => this.checkpoint(), CHECKPOINT_DELAY_MS).unref();
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

// SQLite has no boolean type: 0/1 on disk, booleans in the records.
function userRow(row: unknown): UserRecord | null {
  if (!row) return null;
  const u = row as UserRecord;
  return { ...u, legacy_secret: Boolean(u.legacy_secret) };
}

function clientRow(c: ClientRecord): ClientRecord {
  return { ...c, rotation_only: Boolean(c.rotation_only) };
}
