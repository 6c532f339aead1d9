import type Database from 'better-sqlite3';
import type { OneTimeKemPrekey, PrekeyStore } from '../../ports/store.js';

/** Prekey bundles and one-time prekeys in SQLite. */
export class SqlitePrekeyStore implements PrekeyStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      putBundle: db.prepare(
        `INSERT INTO prekey_bundles (client_hash, bundle, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (client_hash) DO UPDATE SET bundle = excluded.bundle, updated_at = excluded.updated_at`,
      ),
      addOtpk: db.prepare(
        'INSERT INTO one_time_prekeys (client_hash, key_id, public_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getBundle: db.prepare('SELECT bundle FROM prekey_bundles WHERE client_hash = ?'),
      takeOtpk: db.prepare(
        `DELETE FROM one_time_prekeys WHERE rowid = (SELECT rowid FROM one_time_prekeys WHERE client_hash = ? ORDER BY key_id LIMIT 1)
         RETURNING key_id, public_key`,
      ),
      countOtpk: db.prepare('SELECT COUNT(*) AS n FROM one_time_prekeys WHERE client_hash = ?'),
      addKemOtpk: db.prepare(
        'INSERT INTO one_time_kem_prekeys (client_hash, key_id, public_key, signature) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      takeKemOtpk: db.prepare(
        `DELETE FROM one_time_kem_prekeys WHERE rowid = (SELECT rowid FROM one_time_kem_prekeys WHERE client_hash = ? ORDER BY key_id LIMIT 1)
         RETURNING key_id, public_key, signature`,
      ),
      countKemOtpk: db.prepare('SELECT COUNT(*) AS n FROM one_time_kem_prekeys WHERE client_hash = ?'),
    };
  }

  async putBundle(client_hash: string, bundle: string, updated_at: number): Promise<void> {
    this.stmts.putBundle.run(client_hash, bundle, updated_at);
  }

  async addOneTimePrekeys(client_hash: string, keys: { id: number; key: string }[]): Promise<void> {
    this.db.transaction(() => {
      for (const k of keys) this.stmts.addOtpk.run(client_hash, k.id, k.key);
    })();
  }

  async addOneTimeKemPrekeys(client_hash: string, keys: OneTimeKemPrekey[]): Promise<void> {
    this.db.transaction(() => {
      for (const k of keys) this.stmts.addKemOtpk.run(client_hash, k.id, k.key, k.signature);
    })();
  }

  async takeBundle(client_hash: string) {
    return this.db.transaction(() => {
      const b = this.stmts.getBundle.get(client_hash) as { bundle: string } | undefined;
      if (!b) return null;
      const k = this.stmts.takeOtpk.get(client_hash) as { key_id: number; public_key: string } | undefined;
      const q = this.stmts.takeKemOtpk.get(client_hash) as
        { key_id: number; public_key: string; signature: string } | undefined;
      return {
        bundle: b.bundle,
        one_time_prekey: k ? { id: k.key_id, key: k.public_key } : null,
        one_time_kem_prekey: q ? { id: q.key_id, key: q.public_key, signature: q.signature } : null,
      };
    })();
  }

  async countOneTimePrekeys(client_hash: string): Promise<number> {
    return (this.stmts.countOtpk.get(client_hash) as { n: number }).n;
  }

  async countOneTimeKemPrekeys(client_hash: string): Promise<number> {
    return (this.stmts.countKemOtpk.get(client_hash) as { n: number }).n;
  }
}
