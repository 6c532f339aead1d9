import type { ServerKeyStore } from '../../ports/store.js';
import type { PostgresQueries } from './postgres-queries.js';

/** Server-side keys (franking and others, by purpose and kid) on PostgreSQL. */
export class PostgresServerKeyStore implements ServerKeyStore {
  constructor(private readonly db: PostgresQueries) {}

  async getOrCreateServerKey(purpose: string, kid: number, key_hex: string, now: number): Promise<string> {
    await this.db.q(
      'INSERT INTO server_keys (purpose, kid, key_hex, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [purpose, kid, key_hex, now],
    );
    return (
      await this.db.q<{ key_hex: string }>(
        'SELECT key_hex FROM server_keys WHERE purpose = $1 AND kid = $2',
        [purpose, kid],
      )
    ).rows[0]!.key_hex;
  }

  async getServerKey(purpose: string, kid: number): Promise<string | null> {
    const r = await this.db.q<{ key_hex: string }>(
      'SELECT key_hex FROM server_keys WHERE purpose = $1 AND kid = $2',
      [purpose, kid],
    );
    return r.rows[0]?.key_hex ?? null;
  }

  async deleteServerKeysCreatedBefore(purpose: string, before: number): Promise<number> {
    return (
      (await this.db.q('DELETE FROM server_keys WHERE purpose = $1 AND created_at < $2', [purpose, before]))
        .rowCount ?? 0
    );
  }
}
