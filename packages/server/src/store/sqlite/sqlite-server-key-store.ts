import type Database from 'better-sqlite3';
import type { ServerKeyStore } from '../../ports/store.js';

/** Server-side keys (franking and others, by purpose and kid) in SQLite. */
export class SqliteServerKeyStore implements ServerKeyStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insertServerKey: db.prepare(
        'INSERT INTO server_keys (kid, purpose, key_hex, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getServerKey: db.prepare('SELECT key_hex FROM server_keys WHERE kid = ? AND purpose = ?'),
      deleteServerKeys: db.prepare('DELETE FROM server_keys WHERE purpose = ? AND created_at < ?'),
    };
  }

  async getOrCreateServerKey(purpose: string, kid: number, key_hex: string, now: number): Promise<string> {
    return this.db.transaction(() => {
      this.stmts.insertServerKey.run(kid, purpose, key_hex, now);
      return (this.stmts.getServerKey.get(kid, purpose) as { key_hex: string }).key_hex;
    })();
  }

  async getServerKey(purpose: string, kid: number): Promise<string | null> {
    return (this.stmts.getServerKey.get(kid, purpose) as { key_hex: string } | undefined)?.key_hex ?? null;
  }

  async deleteServerKeysCreatedBefore(purpose: string, before: number): Promise<number> {
    return this.stmts.deleteServerKeys.run(purpose, before).changes;
  }
}
