import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveSignup } from '@omechat/test-kit';
import { runAdmin } from '../src/cli/admin-cli.js';
import { sendFranked } from './franked-messages.js';
import { startNginxCluster, type NginxCluster } from '@omechat/test-kit';
import { TEST_REDIS_URL } from './test-redis.js';
import { WsTestClient } from './ws-test-client.js';

// MLBS re-entry and network layers on three nodes behind nginx (round robin, no stickiness): the
// challenge keys, spent challenges, network-hash key, difficulty scores and network bans live in
// Redis, so a challenge one node issued is solved on another, spent everywhere at once, and a
// network ban placed on one node holds on all. Requests through nginx all come from 127.0.0.1
// (nginx sets X-Forwarded-For); a test that needs other networks asks a node directly with its own
// X-Forwarded-For (TRUST_PROXY) and says so.
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
const AUTH = 'ab'.repeat(32);
let dbName: string;
let dbUrl: string;
let cluster: NginxCluster;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dbName = `omechat_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  dbUrl = PG_URL.replace(/\/[^/]*$/, `/${dbName}`);
  cluster = await startNginxCluster(3, {
    DATABASE_URL: dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    // Every sign-up needs work (cheap scrypt, so the test stays quick).
    POW_MIN_LEVEL: '1',
    POW_SCRYPT_COST: '16',
    POW_NETWORK_SIGNUPS_PER_STEP: '2',
  });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  const r = new Redis(TEST_REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
}, 60_000);

async function api(base: string, path: string, opts: { body?: unknown; auth?: string; ip?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  const res = await fetch(base + path, {
    method: 'POST',
    headers,
    body: JSON.stringify(opts.body ?? {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const node = (i: number) => cluster.nodeUrl(i);
const challengeAt = (base: string, ip?: string) => api(base, '/api/v1/accounts/challenge', { ip });
const signUpAt = (base: string, username: string, proof: unknown, ip?: string) =>
  api(base, '/api/v1/accounts', { body: { username, age: 30, authenticator: AUTH, proof }, ip });

/** Signs up at `node(i)` from `ip` (challenge fetched from the next node) and connects there. */
async function member(i: number, username: string, ip: string) {
  const c = await challengeAt(node((i + 1) % 3), ip);
  expect(c.status).toBe(200);
  const acc = await signUpAt(node(i), username, await solveSignup(c.body), ip);
  expect(acc.status, JSON.stringify(acc.body)).toBe(201);
  const cl = await api(node(i), '/api/v1/clients', { body: { username, authenticator: AUTH }, ip });
  expect(cl.status).toBe(201);
  const creds = { client_hash: cl.body.client_hash as string, access_token: cl.body.access_token as string };
  return {
    ...creds,
    auth: `${creds.client_hash}.${creds.access_token}`,
    ws: await WsTestClient.authed(node(i), creds),
  };
}

describe('evasion state shared by three nodes behind nginx', () => {
  it('a challenge fetched from one node is solved and accepted on another', async () => {
    for (const [from, to] of [
      [0, 1],
      [1, 2],
      [2, 0],
    ] as const) {
      const c = await challengeAt(node(from));
      expect(c.status).toBe(200);
      expect(c.body.level).toBeGreaterThanOrEqual(1);
      const r = await signUpAt(node(to), `ev_cross_${from}${to}`, await solveSignup(c.body));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // Through nginx: the challenge and the sign-up are two requests, so round robin puts them on
    // different nodes every time.
    for (let i = 0; i < 3; i++) {
      const c = await challengeAt(cluster.url);
      const r = await signUpAt(cluster.url, `ev_nginx_${i}`, await solveSignup(c.body));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });

  it('a solution spent on one node is refused as reused on every other', async () => {
    const c = await challengeAt(node(0));
    const proof = await solveSignup(c.body);
    expect((await signUpAt(node(1), 'ev_reuse_a', proof)).status).toBe(201);
    for (const i of [2, 0, 1])
      expect((await signUpAt(node(i), `ev_reuse_${i}`, proof)).body.error.code).toBe('PROOF_REUSED');
  });

  it('the difficulty a network earned on one node holds on the others', async () => {
    // Sign-ups from one network (asked directly, with its own X-Forwarded-For) on node 0 …
    const ip = '203.0.113.9';
    const before = (await challengeAt(node(2), ip)).body.level as number;
    for (let i = 0; i < 4; i++) {
      const c = await challengeAt(node(0), ip);
      expect((await signUpAt(node(0), `ev_busy_${i}`, await solveSignup(c.body), ip)).status).toBe(201);
    }
    // … make node 2 ask that network for more work, and not another one.
    expect((await challengeAt(node(2), ip)).body.level).toBeGreaterThan(before);
    expect((await challengeAt(node(2), '203.0.113.10')).body.level).toBe(before);
  });

  it('a network ban placed on one node applies on all, and its lift too', async () => {
    const ABUSER = '192.0.2.77';
    const abuser = await member(0, 'ev_abuser', ABUSER);
    const victim = await member(2, 'ev_victim', '198.51.100.50');
    await abuser.ws.request({ type: 'match.join', tolerance: 5 });
    await victim.ws.request({ type: 'match.join', tolerance: 5 });
    const { chat } = await victim.ws.waitType('match.found');
    const msg = await sendFranked(abuser.ws, victim.ws, chat.chat_id, victim.client_hash, 'go away idiot');
    const report = await api(node(1), '/api/v1/reports', {
      auth: victim.auth,
      body: { chat_id: chat.chat_id, reason: 'harassment', messages: [msg] },
    });
    expect(report.status, JSON.stringify(report.body)).toBe(201);

    let out = '';
    const added = await runAdmin(
      ['moderators', 'add', 'ev_mod', '--json'],
      { out: (x) => (out += x), err: () => undefined },
      { DATABASE_URL: dbUrl },
    );
    expect(added).toBe(0);
    const token = JSON.parse(out).token as string;
    // Placed on node 1, which never saw the abuser: the network it last used is in Redis.
    const placed = await api(node(1), `/api/v1/admin/reports/${report.body.report_id}/network-ban`, {
      auth: token,
      body: { hours: 1, reason: 'Harassment from this network.' },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    for (const i of [0, 1, 2]) {
      expect((await challengeAt(node(i), ABUSER)).body.error.code).toBe('NETWORK_BANNED');
      const signIn = await api(node(i), '/api/v1/clients', {
        body: { username: 'ev_abuser', authenticator: AUTH },
        ip: ABUSER,
      });
      expect(signIn.body.error.code).toBe('NETWORK_BANNED');
      // Another network is not touched.
      expect((await challengeAt(node(i), '198.51.100.51')).status).toBe(200);
    }
    const lifted = await api(node(2), `/api/v1/admin/network-bans/${placed.body.ban.ban_id}/lift`, {
      auth: token,
      body: { reason: 'Placed on the wrong report.' },
    });
    expect(lifted.status).toBeLessThan(300);
    for (const i of [0, 1, 2]) expect((await challengeAt(node(i), ABUSER)).status).toBe(200);
    abuser.ws.close();
    victim.ws.close();
  });
});
