import type { EnvelopeRecord, EnvelopeStore, NewEnvelope, PendingUsage } from '../../ports/store.js';
import type { PostgresQueries } from './postgres-queries.js';

/** Stored envelopes (messages waiting for a device) on PostgreSQL. */
export class PostgresEnvelopeStore implements EnvelopeStore {
  constructor(private readonly db: PostgresQueries) {}

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
    const r = await this.db.q<{ id: number }>(
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
    const r = await this.db.q<Omit<EnvelopeRecord, 'id'> & { id: number }>(
      'SELECT * FROM envelopes WHERE recipient_client = $1 AND id > $2 ORDER BY id LIMIT $3',
      [recipient_client, afterId === null ? 0 : Number(afterId), limit],
    );
    return r.rows.map((row) => ({ ...row, id: String(row.id) }));
  }

  async deleteEnvelopes(recipient_client: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.q(
      'DELETE FROM envelopes WHERE recipient_client = $1 AND id = ANY($2::bigint[])',
      [recipient_client, ids.map(Number)],
    );
    return r.rowCount ?? 0;
  }

  async deleteExpiredEnvelopes(now: number): Promise<number> {
    return (await this.db.q('DELETE FROM envelopes WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }

  async limitChatEnvelopes(chat_id: string, expires_by: number): Promise<number> {
    return (
      (
        await this.db.q('UPDATE envelopes SET expires_at = $1 WHERE chat_id = $2 AND expires_at > $1', [
          expires_by,
          chat_id,
        ])
      ).rowCount ?? 0
    );
  }

  async countEnvelopes(recipient_client: string): Promise<number> {
    return Number(
      (
        await this.db.q<{ n: string }>('SELECT COUNT(*) AS n FROM envelopes WHERE recipient_client = $1', [
          recipient_client,
        ])
      ).rows[0]!.n,
    );
  }

  async pendingUsage(recipient_clients: readonly string[]): Promise<Map<string, PendingUsage>> {
    if (recipient_clients.length === 0) return new Map();
    const r = await this.db.q<{ client_hash: string } & PendingUsage>(
      `SELECT client_hash, envelopes, bytes FROM pending_totals
       WHERE client_hash = ANY($1::text[]) AND envelopes > 0`,
      [recipient_clients],
    );
    return new Map(r.rows.map((row) => [row.client_hash, { envelopes: row.envelopes, bytes: row.bytes }]));
  }
}
