import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFranked } from './franked-messages.js';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { WsTestClient } from './ws-test-client.js';

// MLBS re-entry layer: probation wired into matching and the report threshold, over the real
// server with a clock moved by hand.
const DAY = 86_400_000;
let t = Date.now();
const clock = { now: () => t };
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    {
      PROBATION_DAYS: '3',
      PROBATION_CHATS: '2',
      PROBATION_MIN_CHAT_SECONDS: '0',
      PROBATION_SEPARATE_POOL: 'true',
      SKIP_COOLDOWN_MS: '0',
      REPORT_THRESHOLD: '4',
    },
    { clock },
  );
});
afterAll(async () => {
  await server.destroy();
});

type User = Awaited<ReturnType<typeof signUp>> & { ws: WsTestClient };
async function user(name: string, age = 30): Promise<User> {
  const u = await signUp(server, name, age);
  return { ...u, ws: await WsTestClient.authed(server.url, u) };
}
async function chat(a: User, b: User): Promise<string> {
  expect(code(await a.ws.request({ type: 'match.join', tolerance: 5 }))).toBe('match.waiting');
  await b.ws.request({ type: 'match.join', tolerance: 5 });
  const found = await a.ws.waitFor(
    (f) => f.type === 'match.found' && f.chat.partner.user_hash === b.user_hash,
  );
  await b.ws.waitFor((f) => f.type === 'match.found' && f.chat.partner.user_hash === a.user_hash);
  return found.type === 'match.found' ? found.chat.chat_id : '';
}
const probation = async (u: User) => (await server.api('/api/v1/account', { auth: u.auth })).body.probation;
const code = (f: { type: string; code?: string }) => (f.type === 'error' ? f.code : f.type);

describe('probation', () => {
  it('a new account is refused browse and invitations (ON_PROBATION) but may use the queue', async () => {
    const n = await user('prob_new');
    expect(await probation(n)).toBe(true);
    expect(code(await n.ws.request({ type: 'browse', tolerance: 5, limit: 5 }))).toBe('ON_PROBATION');
    expect(code(await n.ws.request({ type: 'availability', open: true, tolerance: 5 }))).toBe('ON_PROBATION');
    expect(code(await n.ws.request({ type: 'invite', user_hash: 'a'.repeat(64), tolerance: 5 }))).toBe(
      'ON_PROBATION',
    );
    expect(code(await n.ws.request({ type: 'match.join', tolerance: 5 }))).toBe('match.waiting');
    await n.ws.request({ type: 'match.cancel' });
    n.ws.close();
  });

  it('ends after both the days and the chats; newcomers and trusted users wait in separate pools', async () => {
    const v = await user('prob_vet', 40);
    const p1 = await user('prob_p1', 40);
    const p2 = await user('prob_p2', 40);
    for (const partner of [p1, p2]) {
      const id = await chat(v, partner);
      expect(code(await v.ws.request({ type: 'chat.leave', chat_id: id }))).toBe('ok');
    }
    expect(await probation(v)).toBe(true); // two chats, but not three days
    t += 3 * DAY + 60_000;
    expect(await probation(v)).toBe(false);
    expect(code(await v.ws.request({ type: 'browse', tolerance: 5, limit: 5 }))).toBe('browse.result');

    // A newcomer of the same age is not matched with the trusted veteran, but with another newcomer.
    const n1 = await user('prob_n1', 40);
    const n2 = await user('prob_n2', 40);
    expect(code(await v.ws.request({ type: 'match.join', tolerance: 5 }))).toBe('match.waiting');
    expect(code(await n1.ws.request({ type: 'match.join', tolerance: 5 }))).toBe('match.waiting');
    expect(code(await n2.ws.request({ type: 'match.join', tolerance: 5 }))).toBe('ok');
    const found = await n1.ws.waitType('match.found');
    expect(found.chat.partner.user_hash).toBe(n2.user_hash);
    expect(await server.services.matches.queue.has(v.user_hash)).toBe(true);
    for (const u of [v, p1, p2, n1, n2]) u.ws.close();
  });

  it('reports against an account on probation weigh double towards the restriction threshold', async () => {
    // Threshold 4: two reporters restrict a newcomer; a trusted account stays unrestricted. The
    // trusted account's reporters report chats that ended days ago (within the report window).
    const trusted = await user('prob_trusted', 50);
    const toReport: { reporter: User; chat_id: string; msg: Awaited<ReturnType<typeof sendFranked>> }[] = [];
    for (const name of ['prob_tp1', 'prob_tp2']) {
      const reporter = await user(name, 50);
      const chat_id = await chat(trusted, reporter);
      const msg = await sendFranked(trusted.ws, reporter.ws, chat_id, reporter.client_hash, 'you are stupid');
      t += 1000; // the relay's timestamps never repeat, so they run ahead of a frozen clock
      expect(code(await trusted.ws.request({ type: 'chat.leave', chat_id }))).toBe('ok');
      toReport.push({ reporter, chat_id, msg });
    }
    t += 3 * DAY + 60_000;
    expect(await probation(trusted)).toBe(false);
    const fresh = await user('prob_fresh', 50);
    for (const name of ['prob_fr1', 'prob_fr2']) {
      const reporter = await user(name, 50);
      const chat_id = await chat(fresh, reporter);
      const msg = await sendFranked(fresh.ws, reporter.ws, chat_id, reporter.client_hash, 'you are stupid');
      t += 1000;
      expect(code(await fresh.ws.request({ type: 'chat.leave', chat_id }))).toBe('ok');
      toReport.push({ reporter, chat_id, msg });
    }
    for (const { reporter, chat_id, msg } of toReport) {
      const r = await server.api('/api/v1/reports', {
        auth: reporter.auth,
        body: { chat_id, reason: 'harassment', messages: [msg] },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      reporter.ws.close();
    }
    expect((await server.services.standing.inForce(fresh.user_hash)).restriction).not.toBeNull();
    expect((await server.services.standing.inForce(trusted.user_hash)).restriction).toBeNull();
    fresh.ws.close();
    trusted.ws.close();
  });
});
