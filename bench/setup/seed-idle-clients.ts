import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Argon2SecretHasher, loadConfig, startServer } from '@omechat/server';
import { OMECHAT_BENCH_ENV } from '../lib/spawn-bench-server.js';
import { baselineToken } from '../servers/baseline-token.js';
import type { Creds } from '../load/load-types.js';
import { postJson } from './http-json.js';

export interface IdleFixtures {
  templateDir: string;
  omechatCredsFile: string;
  baselineCredsFile: string;
  setupMs: number;
}

/**
 * 50k clients over HTTP would cost 100k argon2id runs at the OWASP floor (~50 min on 2 cores), so the
 * idle-connection accounts are made through a server started in this process by the server's own
 * composition root (`startServer`), with a throwaway cheap argon2 hasher injected for the account
 * secrets only, over its real HTTP API — same rows, same token hashing. That is honest for scenario
 * 3: a WebSocket `auth` checks the SHA-256 token hash and never runs argon2, and these secrets are
 * never used to sign in again. The measured server then starts on a copy of this data directory.
 */
export async function seedIdleClients(count: number, baselineSecret: string): Promise<IdleFixtures> {
  const t0 = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'omechat-bench-idle-'));
  const templateDir = join(workDir, 'omechat-data');
  const limit = String(1_000_000);
  const server = await startServer(
    loadConfig({
      // The bench's settings (limits opened, no sign-up work or probation), then this run's own.
      ...OMECHAT_BENCH_ENV,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: templateDir,
      LOG_LEVEL: 'silent',
      SIGNUPS_PER_NETWORK_PER_HOUR: limit,
      LOGINS_PER_NETWORK_PER_MINUTE: limit,
      LOGINS_PER_ACCOUNT_NETWORK_PER_15MIN: limit,
    }),
    { secretHasher: new Argon2SecretHasher({ memoryCost: 64, timeCost: 1, parallelism: 1 }, 4) },
  );
  const creds: Creds[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const username = `idle ${i}`;
      // Any 64-hex string stands for the authenticator: the server never sees more.
      const authenticator = randomBytes(32).toString('hex');
      await postJson(`${server.url}/api/v1/accounts`, { username, age: 30, authenticator });
      const c = await postJson<{ client_hash: string; access_token: string }>(
        `${server.url}/api/v1/clients`,
        {
          username,
          authenticator,
        },
      );
      creds[i] = { id: c.client_hash, token: c.access_token };
    }
  };
  await Promise.all([worker(), worker(), worker(), worker(), worker(), worker(), worker(), worker()]);
  await server.close();
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
