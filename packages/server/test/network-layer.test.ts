import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../src/cli/admin-cli.js';
import { OPERATOR_ACTOR } from '../src/core/moderation/audit-log.js';
import { sendFranked } from './franked-messages.js';
import { solveSignup } from '@omechat/test-kit';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { WsTestClient } from './ws-test-client.js';

// Any 64-hex string stands for an authenticator derived on a device: the server never sees more.
const AUTH = 'ab'.repeat(32);

// MLBS network layer over the real server: network bans placed from a report (admin API and
// CLI), refusals while they hold, their end by themselves, throttles per network hash, and
// nothing about a network in the database files.
let t = Date.now();
const clock = { now: () => t };
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer(
    {
      TRUST_PROXY: 'true',
      CHALLENGES_PER_NETWORK_PER_HOUR: '5',
      REPORTS_PER_NETWORK_PER_HOUR: '3',
      SKIP_COOLDOWN_MS: '0',
    },
    { clock },
  );
  token = (await server.services.moderators.add(OPERATOR_ACTOR, 'mod_net')).token;
});
afterAll(async () => {
  await server.destroy();
});

const ABUSER_IP = '192.0.2.77';
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const errorOf = (r: { body: { error?: { code: string } } }) => r.body.error?.code;

async function signUpFrom(ip: string, username: string) {
  const c = await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ip) });
  const proof = await solveSignup(c.body);
  const acc = await server.api('/api/v1/accounts', {
    body: { username, age: 30, authenticator: AUTH, ...(proof ? { proof } : {}) },
    headers: from(ip),
  });
  expect(acc.status, JSON.stringify(acc.body)).toBe(201);
  const cl = await server.api('/api/v1/clients', {
    body: { username, authenticator: AUTH },
    headers: from(ip),
  });
  const u = {
    user_hash: acc.body.user_hash as string,
    secret: AUTH,
    client_hash: cl.body.client_hash as string,
    access_token: cl.body.access_token as string,
  };
  return { ...u, auth: `${u.client_hash}.${u.access_token}`, ws: await WsTestClient.authed(server.url, u) };
}

/** The abuser (from ABUSER_IP) sends a franked message to a victim, who reports it. */
async function reportedAbuser(prefix: string) {
  const abuser = await signUpFrom(ABUSER_IP, `${prefix}_abuser`);
  const victim = await signUpFrom('198.51.100.50', `${prefix}_victim`);
  await abuser.ws.request({ type: 'match.join', tolerance: 5 });
  await victim.ws.request({ type: 'match.join', tolerance: 5 });
  const found = await victim.ws.waitType('match.found');
  const msg = await sendFranked(
    abuser.ws,
    victim.ws,
    found.chat.chat_id,
    victim.client_hash,
    'go away idiot',
  );
  t += 1000;
  const r = await server.api('/api/v1/reports', {
    auth: victim.auth,
    body: { chat_id: found.chat.chat_id, reason: 'harassment', messages: [msg] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { abuser, victim, report_id: r.body.report_id as string };
}

describe('network layer', () => {
  it('a moderator bans the reported account’s network for at most 72 h; it is refused meanwhile and the ban ends by itself', async () => {
    const { abuser, victim, report_id } = await reportedAbuser('netban');
    const admin = (path: string, body?: unknown) => server.api(`/api/v1/admin${path}`, { auth: token, body });
    expect(
      errorOf(
        await admin(`/reports/${report_id}/network-ban`, {
          hours: 73,
          reason: 'Harassment from this network.',
        }),
      ),
    ).toBe('INVALID_INPUT');
    const placed = await admin(`/reports/${report_id}/network-ban`, {
      hours: 2,
      reason: 'Harassment from this network.',
    });
    expect(placed.status).toBe(201);
    expect(placed.body.ban.ends_at).toBe(t + 2 * 3_600_000);
    expect(JSON.stringify(placed.body)).not.toContain(await server.services.networkHasher.hash(ABUSER_IP));

    const signUp = await server.api('/api/v1/accounts', {
      body: { username: 'netban_new', age: 30, authenticator: AUTH },
      headers: from(ABUSER_IP),
    });
    expect(errorOf(signUp)).toBe('NETWORK_BANNED');
    expect(signUp.body.error.retry_after).toBe(7200);
    expect(signUp.headers.get('retry-after')).toBe('7200');
    expect(
      errorOf(await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ABUSER_IP) })),
    ).toBe('NETWORK_BANNED');
    const signIn = await server.api('/api/v1/clients', {
      body: { username: 'netban_abuser', authenticator: abuser.secret },
      headers: from(ABUSER_IP),
    });
    expect(errorOf(signIn)).toBe('NETWORK_BANNED');
    // The victim's network is not touched.
    expect(
      (await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from('198.51.100.50') }))
        .status,
    ).toBe(200);
    expect((await admin('/network-bans')).body.bans).toHaveLength(1);

    t += 2 * 3_600_000 + 1000;
    expect(
      (await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ABUSER_IP) })).status,
    ).toBe(200);
    expect((await admin('/network-bans')).body.bans).toHaveLength(0);
    abuser.ws.close();
    victim.ws.close();
  });

  it('omechat admin network ban|list|lift work through the running server', async () => {
    const { abuser, victim, report_id } = await reportedAbuser('netcli');
    const run = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runAdmin(
        args,
        { out: (x) => (out += x), err: (x) => (err += x) },
        {
          DATA_DIR: server.dataDir,
          OMECHAT_MODERATOR_TOKEN: token,
        },
      );
      return { code, out, err };
    };
    const banned = await run(
      'network',
      'ban',
      report_id,
      '--hours',
      '1',
      '--reason',
      'Harassment from this network.',
      '--server',
      server.url,
      '--json',
    );
    expect(banned.code, banned.err).toBe(0);
    const ban_id = JSON.parse(banned.out).ban.ban_id as string;
    expect(
      errorOf(await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ABUSER_IP) })),
    ).toBe('NETWORK_BANNED');
    const listed = await run('network', 'list', '--server', server.url);
    expect(listed.out).toContain(ban_id);
    expect(
      (
        await run(
          'network',
          'lift',
          ban_id,
          '--reason',
          'Placed on the wrong report.',
          '--server',
          server.url,
        )
      ).code,
    ).toBe(0);
    expect(
      (await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ABUSER_IP) })).status,
    ).toBe(200);
    const noToken = await runAdmin(
      ['network', 'list', '--server', server.url],
      { out: () => undefined, err: () => undefined },
      { DATA_DIR: server.dataDir },
    );
    expect(noToken).toBe(2);
    abuser.ws.close();
    victim.ws.close();
  });

  it('throttles sign-up challenges and reports per network hash', async () => {
    const ip = '203.0.113.40';
    for (let i = 0; i < 5; i++)
      expect(
        (await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ip) })).status,
      ).toBe(200);
    const over = await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from(ip) });
    expect(errorOf(over)).toBe('RATE_LIMITED');
    expect(over.body.error.retry_after).toBeGreaterThan(0);
    expect(
      (await server.api('/api/v1/accounts/challenge', { method: 'POST', headers: from('203.0.113.41') }))
        .status,
    ).toBe(200);

    const u = await signUpFrom('203.0.113.42', 'net_reporter');
    const junk = { chat_id: 'c'.repeat(32), reason: 'spam', messages: [] };
    const codes: string[] = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        errorOf(
          await server.api('/api/v1/reports', { auth: u.auth, body: junk, headers: from('203.0.113.43') }),
        )!,
      );
    expect(codes[3]).toBe('RATE_LIMITED');
    expect(codes.slice(0, 3)).not.toContain('RATE_LIMITED');
    u.ws.close();
  });

  it('writes nothing about a network to the database files', async () => {
    const text = server.dataFilesText();
    for (const ip of [ABUSER_IP, '198.51.100.50', '203.0.113.40', '127.0.0.1']) {
      expect(text).not.toContain(ip);
      expect(text).not.toContain(await server.services.networkHasher.hash(ip));
    }
    // The audit log names the ban and the report, never the network.
    const audit = await server.store.moderation.listAudit({ limit: 100 });
    expect(audit.some((e) => e.action === 'network.ban')).toBe(true);
  });
});
