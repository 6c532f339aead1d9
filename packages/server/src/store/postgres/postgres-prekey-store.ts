import type { OneTimeKemPrekey, PrekeyStore } from '../../ports/store.js';
import type { PostgresQueries } from './postgres-queries.js';

/** Prekey bundles and one-time prekeys on PostgreSQL. */
export class PostgresPrekeyStore implements PrekeyStore {
  constructor(private readonly db: PostgresQueries) {}

  async putBundle(client_hash: string, bundle: string, updated_at: number): Promise<void> {
    await this.db.q(
      `INSERT INTO prekey_bundles (client_hash, bundle, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (client_hash) DO UPDATE SET bundle = excluded.bundle, updated_at = excluded.updated_at`,
      [client_hash, bundle, updated_at],
    );
  }

  async addOneTimePrekeys(client_hash: string, keys: { id: number; key: string }[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.q(
      `INSERT INTO one_time_prekeys (client_hash, key_id, public_key)
       SELECT $1, * FROM UNNEST($2::int[], $3::text[]) ON CONFLICT DO NOTHING`,
      [client_hash, keys.map((k) => k.id), keys.map((k) => k.key)],
    );
  }

  async addOneTimeKemPrekeys(client_hash: string, keys: OneTimeKemPrekey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.q(
      `INSERT INTO one_time_kem_prekeys (client_hash, key_id, public_key, signature)
       SELECT $1, * FROM UNNEST($2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [client_hash, keys.map((k) => k.id), keys.map((k) => k.key), keys.map((k) => k.signature)],
    );
  }

  async takeBundle(client_hash: string) {
    return this.db.tx(async (c) => {
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
        await this.db.q<{ n: string }>(
          'SELECT COUNT(*) AS n FROM one_time_kem_prekeys WHERE client_hash = $1',
          [client_hash],
        )
      ).rows[0]!.n,
    );
  }

  async countOneTimePrekeys(client_hash: string): Promise<number> {
    return Number(
      (
        await this.db.q<{ n: string }>('SELECT COUNT(*) AS n FROM one_time_prekeys WHERE client_hash = $1', [
          client_hash,
        ])
      ).rows[0]!.n,
    );
  }
}
