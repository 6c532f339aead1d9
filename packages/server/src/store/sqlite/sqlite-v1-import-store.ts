import type Database from 'better-sqlite3';
import type { ImportedClient, ImportedUser, V1ImportStore } from '../../ports/store.js';

/** V1ImportStore on the SqliteStore's database: one transaction per batch. */
export class SqliteV1ImportStore implements V1ImportStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      existing: p('SELECT user_hash FROM users WHERE user_hash IN (SELECT value FROM json_each(?))'),
      keyHolders: p(
        'SELECT username_key, user_hash FROM users WHERE username_key IN (SELECT value FROM json_each(?))',
      ),
      insertUser: p(
        // A legacy account: the hash is of the raw v1 secret, which the old server knew (rotate it).
        `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at, last_seen_day,
                            secret_kind, legacy_secret, identity_key)
         VALUES (@user_hash, @username, @username_key, @secret_hash, @age_at_signup, @created_at, NULL, 'raw', 1, NULL)
         ON CONFLICT DO NOTHING`,
      ),
      clientOwners: p(
        'SELECT client_hash, user_hash FROM clients WHERE client_hash IN (SELECT value FROM json_each(?))',
      ),
      insertClient: p(
        // v1 tokens were known to the old server too: such a client may only rotate the secret.
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         SELECT @client_hash, @user_hash, @token_hash, @label, @created_at, NULL, 1
         WHERE (SELECT COUNT(*) FROM clients WHERE user_hash = @user_hash) < @max
         ON CONFLICT DO NOTHING`,
      ),
    };
  }

  async findUsers(user_hashes: readonly string[], username_keys: readonly string[]) {
    const existing = this.s.existing.all(JSON.stringify(user_hashes)) as { user_hash: string }[];
    const holders = this.s.keyHolders.all(JSON.stringify(username_keys)) as {
      username_key: string;
      user_hash: string;
    }[];
    return {
      existing: new Set(existing.map((r) => r.user_hash)),
      keyHolders: new Map(holders.map((r) => [r.username_key, r.user_hash])),
    };
  }

  async insertUsers(users: readonly ImportedUser[]): Promise<Set<string>> {
    return this.db.transaction(() => {
      const inserted = new Set<string>();
      for (const u of users) if (this.s.insertUser.run(u).changes === 1) inserted.add(u.user_hash);
      return inserted;
    })();
  }

  async findClients(client_hashes: readonly string[]): Promise<Map<string, string>> {
    const rows = this.s.clientOwners.all(JSON.stringify(client_hashes)) as {
      client_hash: string;
      user_hash: string;
    }[];
    return new Map(rows.map((r) => [r.client_hash, r.user_hash]));
  }

  async insertClients(clients: readonly ImportedClient[], maxPerUser: number): Promise<Set<string>> {
    return this.db.transaction(() => {
      const inserted = new Set<string>();
      for (const c of clients)
        if (this.s.insertClient.run({ ...c, max: maxPerUser }).changes === 1) inserted.add(c.client_hash);
      return inserted;
    })();
  }
}
