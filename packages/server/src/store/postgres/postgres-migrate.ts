import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies the numbered SQL files of `migrations/` not applied yet, each in its own transaction. */
export async function migrate(c: pg.PoolClient): Promise<void> {
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
