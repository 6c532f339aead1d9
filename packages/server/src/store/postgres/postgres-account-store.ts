import type {
  AccountStore,
  ClientRecord,
  SecretRotation,
  TrustStore,
  UserRecord,
} from '../../ports/store.js';
import type { PostgresQueries } from './postgres-queries.js';

/** Users, their clients (devices) and probation's trust counter on PostgreSQL. */
export class PostgresAccountStore implements AccountStore, TrustStore {
  constructor(private readonly db: PostgresQueries) {}

  async createUser(u: UserRecord): Promise<boolean> {
    const r = await this.db.q(
      `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at, last_seen_day,
                          secret_kind, legacy_secret, identity_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        u.user_hash,
        u.username,
        u.username_key,
        u.secret_hash,
        u.age_at_signup,
        u.created_at,
        u.last_seen_day,
        u.secret_kind,
        u.legacy_secret,
        u.identity_key,
      ],
    );
    return r.rowCount === 1;
  }

  async getUser(user_hash: string): Promise<UserRecord | null> {
    return (
      (await this.db.q<UserRecord>('SELECT * FROM users WHERE user_hash = $1', [user_hash])).rows[0] ?? null
    );
  }

  async getTrust(user_hash: string): Promise<{ chats: number; since: number } | null> {
    const r = await this.db.q<{ chats: number; since: string }>(
      'SELECT chats, since FROM trust WHERE user_hash = $1',
      [user_hash],
    );
    const row = r.rows[0];
    return row ? { chats: Number(row.chats), since: Number(row.since) } : null;
  }

  async addTrustedChat(user_hash: string): Promise<void> {
    await this.db.q(
      `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 1, created_at FROM users WHERE user_hash = $1
       ON CONFLICT (user_hash) DO UPDATE SET chats = trust.chats + 1`,
      [user_hash],
    );
  }

  async resetTrust(user_hash: string, since: number): Promise<void> {
    await this.db.q(
      `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 0, $2 FROM users WHERE user_hash = $1
       ON CONFLICT (user_hash) DO UPDATE SET chats = 0, since = EXCLUDED.since`,
      [user_hash, since],
    );
  }

  async getUserByUsernameKey(username_key: string): Promise<UserRecord | null> {
    return (
      (await this.db.q<UserRecord>('SELECT * FROM users WHERE username_key = $1', [username_key])).rows[0] ??
      null
    );
  }

  async deleteUser(user_hash: string): Promise<boolean> {
    return (await this.db.q('DELETE FROM users WHERE user_hash = $1', [user_hash])).rowCount === 1;
  }

  async createClient(c: ClientRecord, maxPerUser?: number): Promise<boolean> {
    const values = [
      c.client_hash,
      c.user_hash,
      c.token_hash,
      c.label,
      c.created_at,
      c.last_seen_day,
      c.rotation_only,
    ];
    if (maxPerUser === undefined) {
      const r = await this.db.q(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        values,
      );
      return r.rowCount === 1;
    }
    return this.db.tx(async (tx) => {
      // The user's row lock makes concurrent sign-ins of one account count one after the other.
      await tx.query('SELECT 1 FROM users WHERE user_hash = $1 FOR UPDATE', [c.user_hash]);
      const r = await tx.query(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         SELECT $1::text, $2::text, $3::text, $4::text, $5::bigint, $6::text, $7::boolean
         WHERE (SELECT COUNT(*) FROM clients WHERE user_hash = $2) < $8`,
        [...values, maxPerUser],
      );
      return r.rowCount === 1;
    });
  }

  async getClient(client_hash: string): Promise<ClientRecord | null> {
    return (
      (await this.db.q<ClientRecord>('SELECT * FROM clients WHERE client_hash = $1', [client_hash]))
        .rows[0] ?? null
    );
  }

  async listClients(user_hash: string): Promise<ClientRecord[]> {
    return (
      await this.db.q<ClientRecord>(
        'SELECT * FROM clients WHERE user_hash = $1 ORDER BY created_at, client_hash',
        [user_hash],
      )
    ).rows;
  }

  async deleteClient(user_hash: string, client_hash: string): Promise<boolean> {
    return (
      (
        await this.db.q('DELETE FROM clients WHERE user_hash = $1 AND client_hash = $2', [
          user_hash,
          client_hash,
        ])
      ).rowCount === 1
    );
  }

  async setIdentityKey(user_hash: string, identity_key: string): Promise<boolean> {
    const r = await this.db.q(
      'UPDATE users SET identity_key = $1 WHERE user_hash = $2 AND identity_key IS NULL',
      [identity_key, user_hash],
    );
    return r.rowCount === 1;
  }

  async markLegacySecret(user_hash: string): Promise<boolean> {
    const r = await this.db.q(
      "UPDATE users SET secret_kind = 'raw', legacy_secret = TRUE WHERE user_hash = $1",
      [user_hash],
    );
    return r.rowCount === 1;
  }

  async rotateSecret(r: SecretRotation): Promise<string[] | null> {
    return this.db.tx(async (tx) => {
      await tx.query('SELECT 1 FROM users WHERE user_hash = $1 FOR UPDATE', [r.user_hash]);
      const kept = await tx.query(
        'UPDATE clients SET rotation_only = FALSE WHERE client_hash = $1 AND user_hash = $2',
        [r.keep_client, r.user_hash],
      );
      if (kept.rowCount !== 1) return null;
      await tx.query(
        `UPDATE users SET secret_hash = $1, secret_kind = 'authenticator', legacy_secret = FALSE, identity_key = $2
         WHERE user_hash = $3`,
        [r.secret_hash, r.identity_key, r.user_hash],
      );
      const gone = await tx.query<{ client_hash: string }>(
        'DELETE FROM clients WHERE user_hash = $1 AND client_hash <> $2 RETURNING client_hash',
        [r.user_hash, r.keep_client],
      );
      return gone.rows.map((x) => x.client_hash);
    });
  }

  async touchLastSeen(client_hash: string, day: string): Promise<void> {
    await this.db.tx(async (c) => {
      const r = await c.query<{ user_hash: string }>(
        'UPDATE clients SET last_seen_day = $1 WHERE client_hash = $2 RETURNING user_hash',
        [day, client_hash],
      );
      if (r.rows[0])
        await c.query('UPDATE users SET last_seen_day = $1 WHERE user_hash = $2', [day, r.rows[0].user_hash]);
    });
  }
}
