import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import { AccountService } from '../../packages/server/src/core/accounts/account-service.js';
import { Argon2SecretHasher } from '../../packages/server/src/hashing/argon2-secret-hasher.js';
import { MemoryRateLimiter } from '../../packages/server/src/limits/memory-rate-limiter.js';
import { systemClock } from '../../packages/server/src/ports/clock.js';
import { baselineToken } from '../servers/baseline-token.js';
import type { Creds } from '../load/load-types.js';

export interface IdleFixtures {
  templateDir: string;
  omechatCredsFile: string;
  baselineCredsFile: string;
  setupMs: number;
}

/**
 * 10k clients over HTTP would cost 20k argon2id runs at the OWASP floor (~10 min on 2 cores), so the
 * idle-connection accounts are made by the server's own AccountService and SqliteStore, in this
 * process, before the server starts — same rows, same token hashing — with a throwaway cheap argon2
 * setting for the account secrets only. That is honest for scenario 3: a WebSocket `auth` checks the
 * SHA-256 token hash and never runs argon2, and these secrets are never used to log in.
 */
export async function seedIdleClients(count: number, baselineSecret: string): Promise<IdleFixtures> {
  const t0 = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'omechat-bench-idle-'));
  const templateDir = join(workDir, 'omechat-data');
  const store = new SqliteStore({ filename: join(templateDir, 'omechat.db') });
  const limit = 1_000_000;
  const accounts = new AccountService({
    store,
    hasher: new Argon2SecretHasher({ memoryCost: 64, timeCost: 1, parallelism: 1 }, 4),
    clock: systemClock,
    limiter: new MemoryRateLimiter(systemClock),
    limits: {
      signupsPerNetworkPerHour: limit,
      loginsPerAccountNetworkPer15Min: limit,
      loginsPerNetworkPerMinute: limit,
    },
  });
  const creds: Creds[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const username = `idle ${i}`;
      const { secret } = await accounts.createAccount({ username, age: 30 }, 'bench');
      const c = await accounts.addClient({ username, secret }, 'bench');
      creds[i] = { id: c.client_hash, token: c.access_token };
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await store.close();
  const omechatCredsFile = join(workDir, 'omechat-idle.json');
  const baselineCredsFile = join(workDir, 'baseline-idle.json');
  writeFileSync(omechatCredsFile, JSON.stringify(creds));
  writeFileSync(
    baselineCredsFile,
    JSON.stringify(
      Array.from({ length: count }, (_, i) => ({
        id: `i${i}`,
        token: baselineToken(baselineSecret, `i${i}`),
      })),
    ),
  );
  return { templateDir, omechatCredsFile, baselineCredsFile, setupMs: Math.round(performance.now() - t0) };
}
