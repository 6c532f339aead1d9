import type { EnvelopeRecord, EnvelopeStore, NewEnvelope, PendingUsage } from '../../ports/store.js';
import type { PostgresQueries } from './postgres-queries.js';

const COLUMN_TYPES = {
  recipient_client: 'text',
  from_user: 'text',
  from_client: 'text',
  chat_id: 'text',
  msg_id: 'text',
  ts: 'bigint',
  ciphertext: 'text',
  cf: 'text',
  rf: 'text',
  kid: 'integer',
  expires_at: 'bigint',
} as const satisfies Record<keyof NewEnvelope, string>;
const COLUMNS = Object.keys(COLUMN_TYPES) as (keyof typeof COLUMN_TYPES)[];
/** The first key of the two-key advisory locks that order appends per recipient (see appendEnvelopes). */
const ENVELOPE_LOCK_CLASS = 13;

/** Stored envelopes (messages waiting for a device) on PostgreSQL. */
export class PostgresEnvelopeStore implements EnvelopeStore {
  constructor(private readonly db: PostgresQueries) {}

  async appendEnvelopes(envelopes: NewEnvelope[]): Promise<EnvelopeRecord[]> {
    if (envelopes.length === 0) return [];
    // A drain reads a recipient's envelopes by `id > lastSentId`, so ids must become visible in id
    // order per recipient. Two concurrent INSERTs can commit out of sequence order (ids are drawn
    // before the pending_totals trigger waits for its row lock), so each statement first takes a
    // transaction-scoped advisory lock per recipient (in hash order: no deadlocks) and only then
    // draws its ids. One statement, one round trip; RETURNING keeps the input order.
    const columns = COLUMNS.map((c) => envelopes.map((e) => e[c]));
    const r = await this.db.q<{ id: number }>(
      `WITH locked AS (
         SELECT pg_advisory_xact_lock(${ENVELOPE_LOCK_CLASS}, h)
         FROM (SELECT DISTINCT hashtext(c) AS h FROM unnest($1::text[]) AS c ORDER BY h) AS r
       )
       INSERT INTO envelopes (${COLUMNS.join(', ')})
       SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${COLUMN_TYPES[c]}[]`).join(', ')})
       WHERE (SELECT count(*) FROM locked) >= 0
       RETURNING id`,
      columns,
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
