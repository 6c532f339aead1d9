import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import { WebSocket } from 'ws';
import { spawnBenchServer } from '../lib/spawn-bench-server.js';
import { baselineToken } from '../servers/baseline-token.js';
import type { RelayFixture, RelayPair } from '../load/load-types.js';
import { postJson } from './http-json.js';
import { sealMessages, type SealingUser } from './seal-messages.js';

export interface RelayFixtures {
  /** OmeChat DATA_DIR holding the accounts, clients and chats; copied for every run. */
  templateDir: string;
  omechatFixtureFile: string;
  baselineFixtureFile: string;
  storm: { username: string; authenticator: string };
  setupMs: number;
}

interface Account extends SealingUser {
  access_token: string;
  authenticator: string;
}

async function createAccount(url: string, username: string): Promise<Account> {
  // As the SDK does: the secret is made here, only its authenticator goes to the server.
  const secret = generateSecret();
  const authenticator = authenticatorFromSecret(secret);
  const acct = await postJson<{ user_hash: string }>(`${url}/api/v1/accounts`, {
    username,
    age: 30,
    authenticator,
  });
  const client = await postJson<{ client_hash: string; access_token: string }>(`${url}/api/v1/clients`, {
    username,
    authenticator,
    label: 'bench',
  });
  return { user_hash: acct.user_hash, secret, authenticator, ...client };
}

/** A throwaway socket for setup: authenticates, then yields frames to a predicate. */
async function authedSocket(
  url: string,
  a: Account,
): Promise<{ ws: WebSocket; next: (type: string) => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/api/v1/ws');
  const frames: Record<string, unknown>[] = [];
  let wake: () => void = () => {};
  ws.on('message', (d) => {
    frames.push(JSON.parse(d.toString()) as Record<string, unknown>);
    wake();
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const next = async (type: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = frames.findIndex((f) => f.type === type || f.type === 'error');
      if (i >= 0) {
        const f = frames.splice(i, 1)[0]!;
        if (f.type === 'error') throw new Error(`setup: ${JSON.stringify(f)}`);
        return f;
      }
      if (Date.now() > deadline)
        throw new Error(`setup: no ${type}, got ${JSON.stringify(frames).slice(0, 500)}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  ws.send(JSON.stringify({ type: 'auth', client_hash: a.client_hash, access_token: a.access_token }));
  await next('sync.done');
  return { ws, next };
}

/**
 * Creates, once per bench run, real OmeChat accounts and clients over HTTP (argon2id at the OWASP
 * floor, the server unpinned so setup uses both cores), pairs them into chats with `match.join`
 * (one pair at a time, so each joiner meets the one waiting user), and seals the A->B ciphertexts.
 * The baselines get the same pairs and ciphertexts under their own ids and HMAC tokens.
 */
export async function seedRelayFixtures(
  pairCount: number,
  messagesPerPair: number,
  baselineSecret: string,
  /** Extra server env, e.g. DATABASE_URL to seed a PostgreSQL database instead of SQLite. */
  env: Record<string, string> = {},
): Promise<RelayFixtures> {
  const t0 = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'omechat-bench-fixtures-'));
  const templateDir = join(workDir, 'omechat-data');
  // On PostgreSQL the server writes nothing there, but every run copies it as its DATA_DIR.
  mkdirSync(templateDir, { recursive: true });
  // Seeding is set-up, not measured: its argon2 workers run at normal priority on every core.
  const server = await spawnBenchServer('omechat', {
    dataDir: templateDir,
    core: null,
    env: { ...env, ARGON2_NICE: '0', ARGON2_CONCURRENCY: '2' },
  });
  const accounts: Account[] = new Array(pairCount * 2);
  let storm: Account;
  try {
    let next = 0;
    const worker = async () => {
      while (next < accounts.length) {
        const i = next++;
        accounts[i] = await createAccount(server.url, `bench ${i % 2 ? 'b' : 'a'}${i >> 1}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    storm = await createAccount(server.url, 'bench storm');

    const pairs: RelayPair[] = [];
    for (let i = 0; i < pairCount; i++) {
      const a = accounts[2 * i]!;
      const b = accounts[2 * i + 1]!;
      const sa = await authedSocket(server.url, a);
      sa.ws.send(JSON.stringify({ type: 'match.join', ref: 'j', tolerance: 0 }));
      await sa.next('match.waiting');
      const sb = await authedSocket(server.url, b);
      sb.ws.send(JSON.stringify({ type: 'match.join', ref: 'j', tolerance: 0 }));
      const found = (await sb.next('match.found')) as {
        chat: { chat_id: string; partner: { user_hash: string } };
      };
      if (found.chat.partner.user_hash !== a.user_hash) throw new Error('setup: matched the wrong partner');
      await sa.next('match.found');
      sa.ws.close();
      sb.ws.close();
      pairs.push({
        a: { id: a.client_hash, token: a.access_token },
        b: { id: b.client_hash, token: b.access_token },
        chat_id: found.chat.chat_id,
      });
    }
    const messages = pairs.map((_, i) =>
      sealMessages(accounts[2 * i]!, accounts[2 * i + 1]!, messagesPerPair),
    );
    const omechat: RelayFixture = { pairs, messages };
    const baseline: RelayFixture = {
      pairs: pairs.map((_, i) => ({
        a: { id: `a${i}`, token: baselineToken(baselineSecret, `a${i}`) },
        b: { id: `b${i}`, token: baselineToken(baselineSecret, `b${i}`) },
        chat_id: '',
      })),
      messages,
    };
    const omechatFixtureFile = join(workDir, 'omechat-relay.json');
    const baselineFixtureFile = join(workDir, 'baseline-relay.json');
    writeFileSync(omechatFixtureFile, JSON.stringify(omechat));
    writeFileSync(baselineFixtureFile, JSON.stringify(baseline));
    await new Promise((r) => setTimeout(r, 300)); // let the setup sockets' closes settle
    return {
      templateDir,
      omechatFixtureFile,
      baselineFixtureFile,
      storm: { username: 'bench storm', authenticator: storm.authenticator },
      setupMs: Math.round(performance.now() - t0),
    };
  } finally {
    await server.stop();
  }
}
