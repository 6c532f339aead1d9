import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeModerationRules } from '../moderation-rules-contract.js';
import { describeModerationStoreContract } from '../moderation-store-contract.js';
import { SqliteStore } from './sqlite-store.js';

/** A fresh database file; `reopen` closes it and opens the same file again (a restart). */
async function openTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'omechat-moderation-'));
  const filename = join(dir, 'omechat.db');
  let store = new SqliteStore({ filename });
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteStore({ filename });
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeModerationStoreContract('SqliteStore', openTemp);
describeModerationRules('SqliteStore', openTemp);
