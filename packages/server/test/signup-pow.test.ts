import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ACTOR } from '../src/core/moderation/audit-log.js';
import { solveSignup } from '@omechat/test-kit';
import { startTestServer, type TestServer } from '@omechat/test-kit';

// Any 64-hex string stands for an authenticator derived on a device: the server never sees more.
const AUTH = 'ab'.repeat(32);

// MLBS re-entry layer: sign-up proof of work over the real server. Networks are told apart with
// X-Forwarded-For (TRUST_PROXY), the clock is moved by hand, and the other ban-evasion settings
// are those of production except where a test says otherwise.
// The tests move the clock ~8 h on, which must not cross midnight UTC (the network-hash key is per
// day, and a new day's key ends every network marker by design): late in the day, start at 01:00
// of the next day (ahead of real time, never behind it: proofs carry a real-time expiry too).
const DAY = 86_400_000;
let t = Date.now() % DAY < 14 * 3_600_000 ? Date.now() : (Math.floor(Date.now() / DAY) + 1) * DAY + 3_600_000;
const clock = { now: () => t };
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer(
    {
      TRUST_PROXY: 'true',
      POW_MIN_LEVEL: '1',
      POW_NETWORK_SIGNUPS_PER_STEP: '2',
      POW_GLOBAL_SIGNUPS_PER_STEP: '100000',
      POW_SCRYPT_COST: '16',
      PROBATION_DAYS: '3',
      PROBATION_CHATS: '5',
    },
    { clock },
  );
  token = (await server.services.moderators.add(OPERATOR_ACTOR, 'mod_pow')).token;
});
afterAll(async () => {
  await server.destroy();
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });
async function challenge(ip: string) {
  const r = await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ip) });
  expect(r.status).toBe(200);
  return r.body;
}
async function signUpFrom(ip: string, username: string, age = 30) {
  const proof = await solveSignup(await challenge(ip));
  const r = await server.api('/api/v1/accounts', {
    body: { username, age, authenticator: AUTH, proof },
    headers: from(ip),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const cl = await server.api('/api/v1/clients', {
    body: { username, authenticator: AUTH },
    headers: from(ip),
  });
  return { user_hash: r.body.user_hash as string, auth: `${cl.body.client_hash}.${cl.body.access_token}` };
}

describe('sign-up proof of work', () => {
  it('refuses a missing, forged, foreign, reused or expired proof with its own code', async () => {
    const ip = '198.51.100.1';
    const noProof = await server.api('/api/v1/accounts', {
      body: { username: 'pow_none', age: 30, authenticator: AUTH },
      headers: from(ip),
    });
    expect(noProof.body.error.code).toBe('PROOF_REQUIRED');
    expect(noProof.status).toBe(428);

    const c = await challenge(ip);
    expect(c.level).toBe(1);
    expect(c.challenge.parameters.algorithm).toBe('SCRYPT');
    expect(JSON.stringify(c)).not.toContain(await server.services.networkHasher.hash(ip));
    const proof = (await solveSignup(c))!;
    const forged = { ...proof, solution: { ...proof.solution, derivedKey: 'ab'.repeat(32) } };
    const bad = await server.api('/api/v1/accounts', {
      body: { username: 'pow_forged', age: 30, authenticator: AUTH, proof: forged },
      headers: from(ip),
    });
    expect(bad.body.error.code).toBe('PROOF_INVALID');
    const elsewhere = await server.api('/api/v1/accounts', {
      body: { username: 'pow_elsewhere', age: 30, authenticator: AUTH, proof },
      headers: from('203.0.113.9'),
    });
    expect(elsewhere.body.error.code).toBe('PROOF_INVALID');
    const ok = await server.api('/api/v1/accounts', {
      body: { username: 'pow_ok', age: 30, authenticator: AUTH, proof },
      headers: from(ip),
    });
    expect(ok.status).toBe(201);
    const again = await server.api('/api/v1/accounts', {
      body: { username: 'pow_again', age: 30, authenticator: AUTH, proof },
      headers: from(ip),
    });
    expect(again.body.error.code).toBe('PROOF_REUSED');

    const late = (await solveSignup(await challenge(ip)))!;
    t += 11 * 60_000;
    const expired = await server.api('/api/v1/accounts', {
      body: { username: 'pow_late', age: 30, authenticator: AUTH, proof: late },
      headers: from(ip),
    });
    expect(expired.body.error.code).toBe('PROOF_EXPIRED');
    expect(expired.status).toBe(410);
  });

  it('raises the difficulty for a busy network only, and lowers it again when it is quiet', async () => {
    const busy = '198.51.100.2';
    const other = '198.51.100.3';
    expect((await challenge(busy)).level).toBe(1);
    for (let i = 0; i < 6; i++) await signUpFrom(busy, `pow_busy${i}`);
    const raised = await challenge(busy);
    expect(raised.level).toBeGreaterThanOrEqual(3);
    expect(raised.max_counter).toBeGreaterThan((await challenge(other)).max_counter);
    expect((await challenge(other)).level).toBe(1);
    t += 4 * 3_600_000; // eight half-lives
    expect((await challenge(busy)).level).toBe(1);
  });

  it("a banned user's new account from the same network faces a harder challenge and lands on probation", async () => {
    const home = '2001:db8:1:2::10';
    const sibling = '2001:db8:1:2::99'; // the same /64
    const bystander = '2001:db8:9:9::1';
    const banned = await signUpFrom(home, 'pow_abuser');
    t += 4 * 3_600_000; // their own sign-up no longer counts
    const before = (await challenge(sibling)).level;
    const ban = await server.api(`/api/v1/admin/accounts/${banned.user_hash}/ban`, {
      auth: token,
      body: {
        rule: 'harassment',
        statement: 'Harassed several people with insults after being asked to stop.',
      },
    });
    expect(ban.status).toBe(201);
    const after = await challenge(sibling);
    expect(after.level).toBeGreaterThanOrEqual(before + 2);
    expect((await challenge(bystander)).level).toBe(before);

    const again = await signUpFrom(sibling, 'pow_abuser_again');
    const me = await server.api('/api/v1/account', { auth: again.auth });
    expect(me.body.probation).toBe(true);
  });
});
