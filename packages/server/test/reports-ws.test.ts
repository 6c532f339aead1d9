import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frankingCommitment, newFrankingKey } from '@omechat/crypto';
import type { RevealedMessage } from '@omechat/protocol';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { sendFranked } from './franked-messages.js';

// Reports over the real stack: real sockets and relay, real franking tags, the HTTP report route.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ METRICS_ENABLED: 'true', SKIP_COOLDOWN_MS: '0' });
});
afterAll(async () => {
  await server.destroy();
});

const report = (auth: string, body: unknown) => server.api('/api/v1/reports', { auth, body });
const openReports = () => server.store.moderation.listReports({ status: 'open', limit: 200 });

/** A matched pair in which b sent a two messages; a is the reporter. */
async function pairWithMessages(prefix: string, ages: [number, number] = [15, 15]) {
  const p = await matchedPair(server, [`${prefix}_a`, `${prefix}_b`], ages, 2);
  const messages = [
    await sendFranked(p.cb, p.ca, p.chat_id, p.a.client_hash, `${prefix}: hello`),
    await sendFranked(p.cb, p.ca, p.chat_id, p.a.client_hash, `${prefix}: send me a photo`),
  ];
  return { ...p, messages };
}

describe('franked reports over real sockets', () => {
  it('verifies the revealed messages, stores them, blocks the pair and ends the chat for both', async () => {
    const p = await pairWithMessages('rep_ok');
    const r = await report(p.a.auth, {
      chat_id: p.chat_id,
      reason: 'harassment',
      note: 'keeps asking',
      messages: p.messages,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ messages: 2, blocked: true });
    expect(await p.ca.waitFor((f) => f.type === 'chat.ended' && f.reason === 'blocked')).toBeTruthy();
    expect(await p.cb.waitFor((f) => f.type === 'chat.ended' && f.reason === 'blocked')).toBeTruthy();
    expect(server.services.matches.isBlocked(p.a.user_hash, p.b.user_hash)).toBe(true);
    const stored = await server.store.moderation.getReport(r.body.report_id);
    expect(stored).toMatchObject({ reporter: p.a.user_hash, reported: p.b.user_hash, note: 'keeps asking' });
    expect((await server.store.moderation.listEvidence(r.body.report_id)).map((e) => e.body)).toEqual(
      p.messages.map((m) => m.body),
    );
    // Once per reporter per chat, also after it ended.
    const again = await report(p.a.auth, { chat_id: p.chat_id, reason: 'spam', messages: p.messages });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'REPORT_DUPLICATE' } } });
    p.ca.close();
    p.cb.close();
  });

  it('refuses forged reports with REPORT_INVALID and stores nothing', async () => {
    // An earlier chat between the same two people: its tags are genuine, but not of this chat.
    const first = await pairWithMessages('forge');
    const { a, b, ca, cb } = first;
    await ca.request({ type: 'chat.leave', chat_id: first.chat_id });
    await ca.request({ type: 'match.join', tolerance: 2 });
    await cb.request({ type: 'match.join', tolerance: 2 });
    const again = await ca.waitFor((f) => f.type === 'match.found' && f.chat.chat_id !== first.chat_id);
    const chat_id = again.type === 'match.found' ? again.chat.chat_id : '';
    await cb.waitFor((f) => f.type === 'match.found' && f.chat.chat_id === chat_id);
    const m0 = await sendFranked(cb, ca, chat_id, a.client_hash, 'forge: second chat');
    const m1 = await sendFranked(cb, ca, chat_id, a.client_hash, 'forge: and again');
    const own = await sendFranked(ca, cb, chat_id, b.client_hash, 'forge: words of the reporter');
    const third = await pairWithMessages('forge_third');

    const otherKf = newFrankingKey();
    const fabricatedBody = JSON.stringify({ v: 1, t: 'text', text: 'you never got this' });
    const forgeries: Record<string, RevealedMessage[]> = {
      'altered body': [m0, { ...m1, body: JSON.stringify({ v: 1, t: 'text', text: 'something worse' }) }],
      'wrong kf': [m0, { ...m1, kf: otherKf }],
      'a message the partner never sent': [
        m0,
        { ...m1, body: fabricatedBody, kf: otherKf, cf: frankingCommitment(otherKf, fabricatedBody) },
      ],
      "the reporter's own message": [m0, own],
      'a message of another chat partner': [m0, third.messages[0]!],
      'a shifted timestamp': [m0, { ...m1, ts: m1.ts + 1 }],
      'a tag replayed from another chat with the same partner': [m0, first.messages[1]!],
    };
    const before = (await openReports()).length;
    for (const [what, messages] of Object.entries(forgeries)) {
      const r = await report(a.auth, { chat_id, reason: 'harassment', messages });
      expect(r.status, what).toBe(422);
      expect(r.body.error, what).toMatchObject({ code: 'REPORT_INVALID', issues: [{ path: 'messages.1' }] });
    }
    expect((await openReports()).length).toBe(before);
    expect(server.services.matches.isBlocked(a.user_hash, b.user_hash)).toBe(false);
    expect(await server.services.chats.get(chat_id)).not.toBeNull();
    // The genuine messages still make a report.
    expect((await report(a.auth, { chat_id, reason: 'harassment', messages: [m0, m1] })).status).toBe(201);
    for (const c of [ca, cb, third.ca, third.cb]) c.close();
  });

  it('takes a report after the chat ended, and only from its members', async () => {
    const p = await pairWithMessages('rep_after');
    await p.ca.request({ type: 'chat.leave', chat_id: p.chat_id });
    const outsider = await matchedPair(server, ['rep_after_x', 'rep_after_y'], [15, 15], 2);
    const notMine = await report(outsider.a.auth, {
      chat_id: p.chat_id,
      reason: 'spam',
      messages: p.messages,
    });
    expect(notMine).toMatchObject({ status: 404, body: { error: { code: 'CHAT_NOT_FOUND' } } });
    const late = await report(p.a.auth, { chat_id: p.chat_id, reason: 'spam', messages: p.messages });
    expect(late.status).toBe(201);
    expect(server.services.matches.isBlocked(p.a.user_hash, p.b.user_hash)).toBe(true);
    const unauth = await server.api('/api/v1/reports', {
      body: { chat_id: p.chat_id, reason: 'spam', messages: p.messages },
    });
    expect(unauth.status).toBe(401);
    for (const c of [p.ca, p.cb, outsider.ca, outsider.cb]) c.close();
  });

  it('restricts at once on age_lie: a neutral notice ends the other chats, the queue refuses, standing shows why', async () => {
    const p = await pairWithMessages('rep_age', [15, 15]);
    // b also chats with someone else, who must learn nothing but that the chat closed.
    const other = await matchedPair(server, ['rep_age_other', 'rep_age_spare'], [15, 15], 2);
    other.cb.close();
    const side = await server.services.chats.create(p.b.user_hash, other.a.user_hash, 'invitation');
    const r = await report(p.a.auth, { chat_id: p.chat_id, reason: 'age_lie', messages: p.messages });
    expect(r.status).toBe(201);
    const notice = await p.cb.waitType('moderation.notice');
    expect(notice.strike).toMatchObject({ kind: 'restriction', reason: 'age_lie', status: 'active' });
    expect(
      await other.ca.waitFor((f) => f.type === 'chat.ended' && f.chat_id === side.chat_id),
    ).toMatchObject({
      reason: 'closed',
    });
    const join = await p.cb.request({ type: 'match.join', tolerance: 2 });
    expect(join).toMatchObject({
      type: 'error',
      code: 'ACCOUNT_RESTRICTED',
      sanction: { kind: 'restriction' },
    });
    const standing = await server.api('/api/v1/account/standing', { auth: p.b.auth });
    expect(standing.status).toBe(200);
    expect(standing.body.restricted).toMatchObject({
      statement: { automated_decision: true, triggered_by_report: true, rule: 'age_lie' },
    });
    const metrics = await server.api('/metrics');
    expect(metrics.body).toMatch(/omechat_reports_open\{reason="age_lie"\} [1-9]/);
    for (const c of [p.ca, p.cb, other.ca]) c.close();
  });
});
