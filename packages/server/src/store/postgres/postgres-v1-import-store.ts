import type pg from 'pg';
import type { ImportedClient, ImportedUser, V1ImportStore } from '../../ports/store.js';

/** V1ImportStore on the PostgresStore's pool: one statement or transaction per batch. */
export class PostgresV1ImportStore implements V1ImportStore {
  constructor(private readonly pool: pg.Pool) {}

  async findUsers(user_hashes: readonly string[], username_keys: readonly string[]) {
    const [existing, holders] = await Promise.all([
      this.pool.query<{ user_hash: string }>(
        'SELECT user_hash FROM users WHERE user_hash = ANY($1::text[])',
        [user_hashes],
      ),
      this.pool.query<{ username_key: string; user_hash: string }>(
        'SELECT username_key, user_hash FROM users WHERE username_key = ANY($1::text[])',
        [username_keys],
      ),
    ]);
    return {
      existing: new Set(existing.rows.map((r) => r.user_hash)),
      keyHolders: new Map(holders.rows.map((r) => [r.username_key, r.user_hash])),
    };
  }

  async insertUsers(users: readonly ImportedUser[]): Promise<Set<string>> {
    // One statement: atomic, and a collision (hash or username key) skips only that row.
    const col = <K extends keyof ImportedUser>(k: K) => users.map((u) => u[k]);
    const r = await this.pool.query<{ user_hash: string }>(
      // A legacy account: the hash is of the raw v1 secret, which the old server knew (rotate it).
      `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at, last_seen_day,
                          secret_kind, legacy_secret, identity_key)
       SELECT h, n, k, s, a, c, NULL, 'raw', TRUE, NULL
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[]) AS t(h, n, k, s, a, c)
       ON CONFLICT DO NOTHING RETURNING user_hash`,
      [
        col('user_hash'),
        col('username'),
        col('username_key'),
        col('secret_hash'),
        col('age_at_signup'),
        col('created_at'),
      ],
    );
    return new Set(r.rows.map((row) => row.user_hash));
  }

  async findClients(client_hashes: readonly string[]): Promise<Map<string, string>> {
    const r = await this.pool.query<{ client_hash: string; user_hash: string }>(
      'SELECT client_hash, user_hash FROM clients WHERE client_hash = ANY($1::text[])',
      [client_hashes],
    );
    return new Map(r.rows.map((row) => [row.client_hash, row.user_hash]));
  }

  async insertClients(clients: readonly ImportedClient[], maxPerUser: number): Promise<Set<string>> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // The owners' row locks make the per-user cap hold against concurrent sign-ins (as createClient).
      const owners = [...new Set(clients.map((x) => x.user_hash))].sort();
      await c.query('SELECT 1 FROM users WHERE user_hash = ANY($1::text[]) ORDER BY user_hash FOR UPDATE', [
        owners,
      ]);
      const inserted = new Set<string>();
      for (const x of clients) {
        const r = await c.query(
          // v1 tokens were known to the old server too: such a client may only rotate the secret.
          `INSERT INTO clients (client_hash, user_hash, token_hash, label, created_at, last_seen_day, rotation_only)
           SELECT $1::text, $2::text, $3::text, $4::text, $5::bigint, NULL, TRUE
           WHERE (SELECT COUNT(*) FROM clients WHERE user_hash = $2) < $6
           ON CONFLICT DO NOTHING`,
          [x.client_hash, x.user_hash, x.token_hash, x.label, x.created_at, maxPerUser],
        );
        if (r.rowCount === 1) inserted.add(x.client_hash);
      }
      await c.query('COMMIT');
      return inserted;
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  }
}
