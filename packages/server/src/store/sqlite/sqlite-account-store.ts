import type Database from 'better-sqlite3';
import type {
  AccountStore,
  ClientRecord,
  SecretRotation,
  TrustStore,
  UserRecord,
} from '../../ports/store.js';
import type { SqliteCheckpointer } from './sqlite-checkpointer.js';

/** Users, their clients (devices) and probation's trust counter in SQLite. */
export class SqliteAccountStore implements AccountStore, TrustStore {
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpoints: SqliteCheckpointer,
  ) {
    this.stmts = {
      insertUser: db.prepare(
        `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at, last_seen_day,
                            secret_kind, legacy_secret, identity_key)
         VALUES (@user_hash, @username, @username_key, @secret_hash, @age_at_signup, @created_at, @last_seen_day,
                 @secret_kind, @legacy_secret, @identity_key)
         ON CONFLICT DO NOTHING`,
      ),
      getUser: db.prepare('SELECT * FROM users WHERE user_hash = ?'),
      getUserByKey: db.prepare('SELECT * FROM users WHERE username_key = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE user_hash = ?'),
      insertClient: db.prepare(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         VALUES (@client_hash, @user_hash, @token_hash, @label, @created_at, @last_seen_day, @rotation_only)`,
      ),
      insertClientCapped: db.prepare(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         SELECT @client_hash, @user_hash, @token_hash, @label, @created_at, @last_seen_day, @rotation_only
         WHERE (SELECT COUNT(*) FROM clients WHERE user_hash = @user_hash) < @max`,
      ),
      getClient: db.prepare('SELECT * FROM clients WHERE client_hash = ?'),
      listClients: db.prepare('SELECT * FROM clients WHERE user_hash = ? ORDER BY created_at, client_hash'),
      deleteClient: db.prepare('DELETE FROM clients WHERE user_hash = ? AND client_hash = ?'),
      touchClient: db.prepare('UPDATE clients SET last_seen_day = ? WHERE client_hash = ?'),
      setIdentityKey: db.prepare(
        'UPDATE users SET identity_key = ? WHERE user_hash = ? AND identity_key IS NULL',
      ),
      markLegacy: db.prepare("UPDATE users SET secret_kind = 'raw', legacy_secret = 1 WHERE user_hash = ?"),
      rotateUser: db.prepare(
        `UPDATE users SET secret_hash = @secret_hash, secret_kind = 'authenticator', legacy_secret = 0,
         identity_key = @identity_key WHERE user_hash = @user_hash`,
      ),
      keepClient: db.prepare('UPDATE clients SET rotation_only = 0 WHERE client_hash = ? AND user_hash = ?'),
      touchUser: db.prepare(
        'UPDATE users SET last_seen_day = ? WHERE user_hash = (SELECT user_hash FROM clients WHERE client_hash = ?)',
      ),
      getTrust: db.prepare('SELECT chats, since FROM trust WHERE user_hash = ?'),
      addTrustedChat: db.prepare(
        `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 1, created_at FROM users WHERE user_hash = ?
         ON CONFLICT (user_hash) DO UPDATE SET chats = chats + 1`,
      ),
      resetTrust: db.prepare(
        `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 0, ? FROM users WHERE user_hash = ?
         ON CONFLICT (user_hash) DO UPDATE SET chats = 0, since = excluded.since`,
      ),
    };
  }

  async createUser(user: UserRecord): Promise<boolean> {
    return this.stmts.insertUser.run({ ...user, legacy_secret: user.legacy_secret ? 1 : 0 }).changes === 1;
  }

  async getUser(user_hash: string): Promise<UserRecord | null> {
    return userRow(this.stmts.getUser.get(user_hash));
  }

  async getTrust(user_hash: string): Promise<{ chats: number; since: number } | null> {
    return (this.stmts.getTrust.get(user_hash) as { chats: number; since: number } | undefined) ?? null;
  }

  async addTrustedChat(user_hash: string): Promise<void> {
    this.stmts.addTrustedChat.run(user_hash);
  }

  async resetTrust(user_hash: string, since: number): Promise<void> {
    this.stmts.resetTrust.run(since, user_hash);
  }

  async getUserByUsernameKey(username_key: string): Promise<UserRecord | null> {
    return userRow(this.stmts.getUserByKey.get(username_key));
  }

  async deleteUser(user_hash: string): Promise<boolean> {
    const deleted = this.stmts.deleteUser.run(user_hash).changes === 1;
    if (deleted) this.checkpoints.now();
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
    if (revoked?.length) this.checkpoints.soon();
    return revoked;
  }

  async deleteClient(user_hash: string, client_hash: string): Promise<boolean> {
    const deleted = this.stmts.deleteClient.run(user_hash, client_hash).changes === 1;
    if (deleted) this.checkpoints.soon();
    return deleted;
  }

  async touchLastSeen(client_hash: string, day: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.touchClient.run(day, client_hash);
      this.stmts.touchUser.run(day, client_hash);
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
