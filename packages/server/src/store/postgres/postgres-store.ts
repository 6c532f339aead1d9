// Over 450 lines on purpose for now: one adapter implementing the Store port method by method,
// each a short query; moderation and v1 import already live in their own adapters. Splitting the
// rest by table (accounts, chats, envelopes, prekeys) is the next step of issue 16.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
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
import { PostgresModerationStore } from './postgres-moderation-store.js';
import { PostgresV1ImportStore } from './postgres-v1-import-store.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

// BIGINT columns hold ms timestamps and ids: parse them as JS numbers (safe below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresStoreOptions {
  connectionString: string;
  /** Tables live in this schema (created if missing); tests use a fresh one each. */
  schema?: string;
  max?: number;
}

/** The store for many nodes: PostgreSQL through a `pg` pool, same contract as SqliteStore. */
export class PostgresStore implements Store {
  readonly moderation: PostgresModerationStore;
  readonly v1Import: PostgresV1ImportStore;

  private constructor(readonly pool: pg.Pool) {
    this.moderation = new PostgresModerationStore(pool);
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

  private async q<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  }

  async createUser(u: UserRecord): Promise<boolean> {
    const r = await this.q(
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
      (await this.q<UserRecord>('SELECT * FROM users WHERE user_hash = $1', [user_hash])).rows[0] ?? null
    );
  }

  async getTrust(user_hash: string): Promise<{ chats: number; since: number } | null> {
    const r = await this.q<{ chats: number; since: string }>(
      'SELECT chats, since FROM trust WHERE user_hash = $1',
      [user_hash],
    );
    const row = r.rows[0];
    return row ? { chats: Number(row.chats), since: Number(row.since) } : null;
  }

  async addTrustedChat(user_hash: string): Promise<void> {
    await this.q(
      `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 1, created_at FROM users WHERE user_hash = $1
       ON CONFLICT (user_hash) DO UPDATE SET chats = trust.chats + 1`,
      [user_hash],
    );
  }

  async resetTrust(user_hash: string, since: number): Promise<void> {
    await this.q(
      `INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 0, $2 FROM users WHERE user_hash = $1
       ON CONFLICT (user_hash) DO UPDATE SET chats = 0, since = EXCLUDED.since`,
      [user_hash, since],
    );
  }

  async getUserByUsernameKey(username_key: string): Promise<UserRecord | null> {
    return (
      (await this.q<UserRecord>('SELECT * FROM users WHERE username_key = $1', [username_key])).rows[0] ??
      null
    );
  }

  async deleteUser(user_hash: string): Promise<boolean> {
    return (await this.q('DELETE FROM users WHERE user_hash = $1', [user_hash])).rowCount === 1;
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
      const r = await this.q(
        `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        values,
      );
      return r.rowCount === 1;
    }
    return this.tx(async (tx) => {
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
      (await this.q<ClientRecord>('SELECT * FROM clients WHERE client_hash = $1', [client_hash])).rows[0] ??
      null
    );
  }

  async listClients(user_hash: string): Promise<ClientRecord[]> {
    return (
      await this.q<ClientRecord>(
        'SELECT * FROM clients WHERE user_hash = $1 ORDER BY created_at, client_hash',
        [user_hash],
      )
    ).rows;
  }

  async deleteClient(user_hash: string, client_hash: string): Promise<boolean> {
    return (
      (
        await this.q('DELETE FROM clients WHERE user_hash = $1 AND client_hash = $2', [
          user_hash,
          client_hash,
        ])
      ).rowCount === 1
    );
  }

  async setIdentityKey(user_hash: string, identity_key: string): Promise<boolean> {
    const r = await this.q(
      'UPDATE users SET identity_key = $1 WHERE user_hash = $2 AND identity_key IS NULL',
      [identity_key, user_hash],
    );
    return r.rowCount === 1;
  }

  async markLegacySecret(user_hash: string): Promise<boolean> {
    const r = await this.q(
      "UPDATE users SET secret_kind = 'raw', legacy_secret = TRUE WHERE user_hash = $1",
      [user_hash],
    );
    return r.rowCount === 1;
  }

  async rotateSecret(r: SecretRotation): Promise<string[] | null> {
    return this.tx(async (tx) => {
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
    await this.tx(async (c) => {
      const r = await c.query<{ user_hash: string }>(
        'UPDATE clients SET last_seen_day = $1 WHERE client_hash = $2 RETURNING user_hash',
        [day, client_hash],
      );
      if (r.rows[0])
        await c.query('UPDATE users SET last_seen_day = $1 WHERE user_hash = $2', [day, r.rows[0].user_hash]);
    });
  }

  async createChat(chat: ChatRecord): Promise<void> {
    await this.q(
      'INSERT INTO chats (chat_id, user_a, user_b, origin, created_at) VALUES ($1, $2, $3, $4, $5)',
      [chat.chat_id, chat.user_a, chat.user_b, chat.origin, chat.created_at],
    );
  }

  async getChat(chat_id: string): Promise<ChatRecord | null> {
    return (await this.q<ChatRecord>('SELECT * FROM chats WHERE chat_id = $1', [chat_id])).rows[0] ?? null;
  }

  async listChats(user_hash: string): Promise<ChatRecord[]> {
    return (
      await this.q<ChatRecord>(
        'SELECT * FROM chats WHERE user_a = $1 OR user_b = $1 ORDER BY created_at, chat_id',
        [user_hash],
      )
    ).rows;
  }

  async deleteChat(chat_id: string): Promise<boolean> {
    return (await this.q('DELETE FROM chats WHERE chat_id = $1', [chat_id])).rowCount === 1;
  }

  async appendEnvelopes(envelopes: NewEnvelope[]): Promise<EnvelopeRecord[]> {
    if (envelopes.length === 0) return [];
    // One multi-row INSERT: atomic, one round trip; RETURNING keeps input order for a VALUES list.
    const cols = [
      'recipient_client',
      'from_user',
      'from_client',
      'chat_id',
      'msg_id',
      'ts',
      'ciphertext',
      'cf',
      'rf',
      'kid',
      'expires_at',
    ] as const;
    const values: unknown[] = [];
    const rows = envelopes.map((e, i) => {
      for (const c of cols) values.push(e[c]);
      return `(${cols.map((_, j) => `$${i * cols.length + j + 1}`).join(', ')})`;
    });
    const r = await this.q<{ id: number }>(
      `INSERT INTO envelopes (${cols.join(', ')}) VALUES ${rows.join(', ')} RETURNING id`,
      values,
    );
    return envelopes.map((e, i) => ({ ...e, id: String(r.rows[i]!.id) }));
  }

  async readEnvelopes(
    recipient_client: string,
    afterId: string | null,
    limit: number,
  ): Promise<EnvelopeRecord[]> {
    const r = await this.q<Omit<EnvelopeRecord, 'id'> & { id: number }>(
      'SELECT * FROM envelopes WHERE recipient_client = $1 AND id > $2 ORDER BY id LIMIT $3',
      [recipient_client, afterId === null ? 0 : Number(afterId), limit],
    );
    return r.rows.map((row) => ({ ...row, id: String(row.id) }));
  }

  async deleteEnvelopes(recipient_client: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.q('DELETE FROM envelopes WHERE recipient_client = $1 AND id = ANY($2::bigint[])', [
      recipient_client,
      ids.map(Number),
    ]);
    return r.rowCount ?? 0;
  }

  async deleteExpiredEnvelopes(now: number): Promise<number> {
    return (await this.q('DELETE FROM envelopes WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }

  async limitChatEnvelopes(chat_id: string, expires_by: number): Promise<number> {
    return (
      (
        await this.q('UPDATE envelopes SET expires_at = $1 WHERE chat_id = $2 AND expires_at > $1', [
          expires_by,
          chat_id,
        ])
      ).rowCount ?? 0
    );
  }

  async countEnvelopes(recipient_client: string): Promise<number> {
    return Number(
      (
        await this.q<{ n: string }>('SELECT COUNT(*) AS n FROM envelopes WHERE recipient_client = $1', [
          recipient_client,
        ])
      ).rows[0]!.n,
    );
  }

  async pendingUsage(recipient_clients: readonly string[]): Promise<Map<string, PendingUsage>> {
    if (recipient_clients.length === 0) return new Map();
    const r = await this.q<{ client_hash: string } & PendingUsage>(
      `SELECT client_hash, envelopes, bytes FROM pending_totals
       WHERE client_hash = ANY($1::text[]) AND envelopes > 0`,
      [recipient_clients],
    );
    return new Map(r.rows.map((row) => [row.client_hash, { envelopes: row.envelopes, bytes: row.bytes }]));
  }

  async putBundle(client_hash: string, bundle: string, updated_at: number): Promise<void> {
    await this.q(
      `INSERT INTO prekey_bundles (client_hash, bundle, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (client_hash) DO UPDATE SET bundle = excluded.bundle, updated_at = excluded.updated_at`,
      [client_hash, bundle, updated_at],
    );
  }

  async addOneTimePrekeys(client_hash: string, keys: { id: number; key: string }[]): Promise<void> {
    if (keys.length === 0) return;
    await this.q(
      `INSERT INTO one_time_prekeys (client_hash, key_id, public_key)
       SELECT $1, * FROM UNNEST($2::int[], $3::text[]) ON CONFLICT DO NOTHING`,
      [client_hash, keys.map((k) => k.id), keys.map((k) => k.key)],
    );
  }

  async addOneTimeKemPrekeys(client_hash: string, keys: OneTimeKemPrekey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.q(
      `INSERT INTO one_time_kem_prekeys (client_hash, key_id, public_key, signature)
       SELECT $1, * FROM UNNEST($2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [client_hash, keys.map((k) => k.id), keys.map((k) => k.key), keys.map((k) => k.signature)],
    );
  }

  async takeBundle(client_hash: string) {
    return this.tx(async (c) => {
      const b = (
        await c.query<{ bundle: string }>('SELECT bundle FROM prekey_bundles WHERE client_hash = $1', [
          client_hash,
        ])
      ).rows[0];
      if (!b) return null;
      // SKIP LOCKED: two nodes serving the same device at once never hand out the same key.
      const k = (
        await c.query<{ key_id: number; public_key: string }>(
          `DELETE FROM one_time_prekeys WHERE (client_hash, key_id) = (
             SELECT client_hash, key_id FROM one_time_prekeys WHERE client_hash = $1 ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING key_id, public_key`,
          [client_hash],
        )
      ).rows[0];
      const q = (
        await c.query<{ key_id: number; public_key: string; signature: string }>(
          `DELETE FROM one_time_kem_prekeys WHERE (client_hash, key_id) = (
             SELECT client_hash, key_id FROM one_time_kem_prekeys WHERE client_hash = $1 ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING key_id, public_key, signature`,
          [client_hash],
        )
      ).rows[0];
      return {
        bundle: b.bundle,
        one_time_prekey: k ? { id: k.key_id, key: k.public_key } : null,
        one_time_kem_prekey: q ? { id: q.key_id, key: q.public_key, signature: q.signature } : null,
      };
    });
  }

  async countOneTimeKemPrekeys(client_hash: string): Promise<number> {
    return Number(
      (
        await this.q<{ n: string }>('SELECT COUNT(*) AS n FROM one_time_kem_prekeys WHERE client_hash = $1', [
          client_hash,
        ])
      ).rows[0]!.n,
    );
  }

  async countOneTimePrekeys(client_hash: string): Promise<number> {
    return Number(
      (
        await this.q<{ n: string }>('SELECT COUNT(*) AS n FROM one_time_prekeys WHERE client_hash = $1', [
          client_hash,
        ])
      ).rows[0]!.n,
    );
  }

  async getOrCreateServerKey(purpose: string, kid: number, key_hex: string, now: number): Promise<string> {
    await this.q(
      'INSERT INTO server_keys (purpose, kid, key_hex, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [purpose, kid, key_hex, now],
    );
    return (
      await this.q<{ key_hex: string }>('SELECT key_hex FROM server_keys WHERE purpose = $1 AND kid = $2', [
        purpose,
        kid,
      ])
    ).rows[0]!.key_hex;
  }

  async getServerKey(purpose: string, kid: number): Promise<string | null> {
    const r = await this.q<{ key_hex: string }>(
      'SELECT key_hex FROM server_keys WHERE purpose = $1 AND kid = $2',
      [purpose, kid],
    );
    return r.rows[0]?.key_hex ?? null;
  }

  async deleteServerKeysCreatedBefore(purpose: string, before: number): Promise<number> {
    return (
      (await this.q('DELETE FROM server_keys WHERE purpose = $1 AND created_at < $2', [purpose, before]))
        .rowCount ?? 0
    );
  }

  async addBlockedPair(pair_hash: string, now: number): Promise<void> {
    await this.q('INSERT INTO blocked_pairs (pair_hash, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      pair_hash,
      now,
    ]);
  }

  async isBlockedPair(pair_hash: string): Promise<boolean> {
    return (await this.q('SELECT 1 FROM blocked_pairs WHERE pair_hash = $1', [pair_hash])).rowCount === 1;
  }

  async listBlockedPairs(): Promise<string[]> {
    return (await this.q<{ pair_hash: string }>('SELECT pair_hash FROM blocked_pairs')).rows.map(
      (r) => r.pair_hash,
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function migrate(c: pg.PoolClient): Promise<void> {
  // One migrator at a time across nodes starting together.
  await c.query('SELECT pg_advisory_lock(7268455)');
  try {
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const file of readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d+-.+\.sql$/.test(f))
      .sort()) {
      const version = Number.parseInt(file, 10);
      if (applied.has(version)) continue;
      await c.query('BEGIN');
      try {
        await c.query(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
        await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          version,
          Date.now(),
        ]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      }
    }
  } finally {
    await c.query('SELECT pg_advisory_unlock(7268455)');
  }
}
