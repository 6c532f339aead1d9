import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { describeV1ImportStoreContract } from '../v1-import-store-contract.js';
import { SqliteStore } from './sqlite-store.js';

function openTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'omechat-sqlite-'));
  const store = new SqliteStore({ filename: join(dir, 'omechat.db') });
  return {
    dir,
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreContract('SqliteStore', async () => openTemp());
describeV1ImportStoreContract('SqliteStore', async () => openTemp());

describe('SqliteStore specifics', () => {
  it('uses WAL and keeps data across reopen (migrations run once)', async () => {
    const { dir, store, cleanup } = openTemp();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.createUser({
      user_hash: 'a'.repeat(64),
      username: 'x',
      username_key: 'x',
      secret_hash: 'h',
      age_at_signup: 20,
      created_at: 1,
      last_seen_day: null,
      secret_kind: 'authenticator',
      legacy_secret: false,
      identity_key: null,
    });
    await store.close();
    const again = new SqliteStore({ filename: join(dir, 'omechat.db') });
    expect(await again.getUser('a'.repeat(64))).not.toBeNull();
    const versions = again.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length);
    await again.close();
    await cleanup();
  });

  it('migration 006 marks the accounts made before it as legacy (their secret hash is of the raw secret)', async () => {
    const { store, cleanup } = openTemp();
    // A row as written before migration 006 (no identity columns).
    store.db
      .prepare(
        `INSERT INTO users (user_hash, username, username_key, secret_hash, age_at_signup, created_at)
         VALUES (?, 'old', 'old', 'h', 20, 1)`,
      )
      .run('b'.repeat(64));
    expect(await store.getUser('b'.repeat(64))).toMatchObject({
      secret_kind: 'raw',
      legacy_secret: true,
      identity_key: null,
    });
    await store.close();
    await cleanup();
  });
});
