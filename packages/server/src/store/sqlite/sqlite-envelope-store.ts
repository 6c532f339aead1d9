import type Database from 'better-sqlite3';
import type { EnvelopeRecord, EnvelopeStore, NewEnvelope, PendingUsage } from '../../ports/store.js';

/** Stored envelopes (messages waiting for a device) in SQLite. */
export class SqliteEnvelopeStore implements EnvelopeStore {
  private readonly stmts;
  private readonly appendTx: (envelopes: NewEnvelope[]) => EnvelopeRecord[];

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insertEnvelope: db.prepare(
        `INSERT INTO envelopes (recipient_client, from_user, from_client, chat_id, msg_id, ts, ciphertext, cf, rf, kid, expires_at)
         VALUES (@recipient_client, @from_user, @from_client, @chat_id, @msg_id, @ts, @ciphertext, @cf, @rf, @kid, @expires_at)`,
      ),
      readEnvelopes: db.prepare(
        'SELECT * FROM envelopes WHERE recipient_client = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      // One statement per acknowledgement frame (up to 1000 ids), not one per id: a reconnect drain
      // of 100k envelopes is bound by these deletes.
      deleteEnvelopes: db.prepare(
        'DELETE FROM envelopes WHERE recipient_client = ? AND id IN (SELECT value FROM json_each(?))',
      ),
      deleteExpired: db.prepare('DELETE FROM envelopes WHERE expires_at <= ?'),
      limitChatEnvelopes: db.prepare(
        'UPDATE envelopes SET expires_at = ? WHERE chat_id = ? AND expires_at > ?',
      ),
      countEnvelopes: db.prepare('SELECT COUNT(*) AS n FROM envelopes WHERE recipient_client = ?'),
      pendingUsage: db.prepare(
        `SELECT client_hash, envelopes, bytes FROM pending_totals
         WHERE client_hash IN (SELECT value FROM json_each(?)) AND envelopes > 0`,
      ),
    };
    this.appendTx = db.transaction((list: NewEnvelope[]) =>
      list.map((e) => ({ ...e, id: String(this.stmts.insertEnvelope.run(e).lastInsertRowid) })),
    );
  }

  async appendEnvelopes(envelopes: NewEnvelope[]): Promise<EnvelopeRecord[]> {
    return this.appendTx(envelopes);
  }

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
    if (ids.length === 0) return 0;
    return this.stmts.deleteEnvelopes.run(recipient_client, JSON.stringify(ids.map(Number))).changes;
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
}
