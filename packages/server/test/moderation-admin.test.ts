import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportSummary } from '@omechat/protocol';
import { OPERATOR_ACTOR } from '../src/core/moderation/audit-log.js';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { sendFranked } from './franked-messages.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

// The moderators' side over the real server: the admin API, a ban that closes sockets, sign-in
// with the statement of reasons, and an appeal decided by a person.
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({ SKIP_COOLDOWN_MS: '0' });
  token = (await server.services.moderators.add(OPERATOR_ACTOR, 'mod_anna')).token;
});
afterAll(async () => {
  await server.destroy();
});

const admin = (path: string, body?: unknown, method?: string) =>
  server.api(`/api/v1/admin${path}`, { auth: token, body, ...(method ? { method } : {}) });
const STATEMENT = 'The verified messages show an adult posing as 15 and asking minors for photos.';

async function chatBetween(
  a: Awaited<ReturnType<typeof signUp>>,
  ca: WsTestClient,
  b: Awaited<ReturnType<typeof signUp>>,
  cb: WsTestClient,
) {
  await ca.request({ type: 'match.join', tolerance: 2 });
  await cb.request({ type: 'match.join', tolerance: 2 });
  const found = await cb.waitFor((f) => f.type === 'match.found' && f.chat.partner.user_hash === a.user_hash);
  await ca.waitFor((f) => f.type === 'match.found' && f.chat.partner.user_hash === b.user_hash);
  return found.type === 'match.found' ? found.chat.chat_id : '';
}

describe('moderation over the real server', () => {
  it('admin API refuses anything but a moderator token', async () => {
    const u = await signUp(server, 'adm_user', 20);
    expect((await server.api('/api/v1/admin/reports')).status).toBe(401);
    expect((await server.api('/api/v1/admin/reports', { auth: u.auth })).status).toBe(401);
    const wrong = `m${token.slice(1, 33)}.${'A'.repeat(64)}`;
    expect((await server.api('/api/v1/admin/reports', { auth: wrong })).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await admin('/reports')).status).toBe(200);
  });

  it('two 15-year-olds report an adult posing as 15; he is restricted, banned permanently, his socket closes, he appeals, the ban is upheld', async () => {
    // He signed up as 15 (he is 30); two 15-year-olds meet him.
    const liar = await signUp(server, 'adm_liar', 15);
    const kid1 = await signUp(server, 'adm_kid1', 15);
    const kid2 = await signUp(server, 'adm_kid2', 15);
    const cl = await WsTestClient.authed(server.url, liar);
    const c1 = await WsTestClient.authed(server.url, kid1);
    const c2 = await WsTestClient.authed(server.url, kid2);
    const chat1 = await chatBetween(liar, cl, kid1, c1);
    const m1 = [await sendFranked(cl, c1, chat1, kid1.client_hash, 'im 15 too, send a pic')];
    await c1.request({ type: 'chat.leave', chat_id: chat1 });
    const chat2 = await chatBetween(liar, cl, kid2, c2);
    const m2 = [await sendFranked(cl, c2, chat2, kid2.client_hash, 'my age? 15 lol. where do you live')];
    // kid2 goes offline; a pending message from the liar waits for her.
    c2.close();
    await c2.closed();
    const pending = await cl.request({
      type: 'message.send',
      chat_id: chat2,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: kid2.client_hash, ciphertext: b64('pending') }],
    });
    expect(pending).toMatchObject({ type: 'message.ack', stored: 1 });

    const r1 = await server.api('/api/v1/reports', {
      auth: kid1.auth,
      body: { chat_id: chat1, reason: 'age_lie', messages: m1 },
    });
    expect(r1.status).toBe(201);
    expect((await cl.waitType('moderation.notice')).strike).toMatchObject({ kind: 'restriction' });
    expect(await cl.waitFor((f) => f.type === 'chat.ended' && f.chat_id === chat2)).toMatchObject({
      reason: 'closed',
    });
    const r2 = await server.api('/api/v1/reports', {
      auth: kid2.auth,
      body: { chat_id: chat2, reason: 'age_lie', note: 'he is not 15', messages: m2 },
    });
    expect(r2.status).toBe(201);

    // The moderator's queue: minors' safety first, with evidence and the account's record.
    const spam = await signUp(server, 'adm_spammer', 40);
    const victim = await signUp(server, 'adm_victim', 40);
    const cs = await WsTestClient.authed(server.url, spam);
    const cv = await WsTestClient.authed(server.url, victim);
    const chat3 = await chatBetween(spam, cs, victim, cv);
    const m3 = [await sendFranked(cs, cv, chat3, victim.client_hash, 'buy followers')];
    expect(
      (
        await server.api('/api/v1/reports', {
          auth: victim.auth,
          body: { chat_id: chat3, reason: 'spam', messages: m3 },
        })
      ).status,
    ).toBe(201);
    const list = await admin('/reports');
    expect(list.status).toBe(200);
    const reports = list.body.reports as ReportSummary[];
    expect(reports.map((r) => r.reason)).toEqual(['age_lie', 'age_lie', 'spam']);
    expect(reports[0]).toMatchObject({
      report_id: r1.body.report_id,
      distinct_reporters: 2,
      reporter_age_band: 'minor-young',
      evidence: [{ body: m1[0]!.body }],
      reported: {
        user_hash: liar.user_hash,
        username: 'adm_liar',
        age: 15,
        age_band: 'minor-young',
        standing: 'restricted',
        strikes: [{ kind: 'restriction', automated: true }],
        next_ban: '24h',
      },
    });
    expect(reports[0]!.reported!.signup_day).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(reports[0]!.reported!.last_active_day).toMatch(/^\d{4}-\d\d-\d\d$/);
    const note = await admin(`/reports/${r1.body.report_id}/notes`, { text: 'Two reports, same pattern.' });
    expect(note.status).toBe(201);
    const shown = await admin(`/reports/${r1.body.report_id}`);
    expect(shown.body.notes).toEqual([
      expect.objectContaining({ author: 'mod_anna', text: 'Two reports, same pattern.' }),
    ]);

    // A decision needs a statement of reasons.
    const bare = await admin(`/reports/${r1.body.report_id}/resolve`, { action: 'ban' });
    expect(bare.status).toBe(400);
    const banned = await admin(`/reports/${r1.body.report_id}/resolve`, {
      action: 'ban',
      duration: 'permanent',
      statement: STATEMENT,
    });
    expect(banned.status).toBe(200);
    expect(banned.body.strike).toMatchObject({ kind: 'ban', ends_at: null, statement: { facts: STATEMENT } });

    // His open socket closes with ACCOUNT_BANNED and the statement.
    expect(await cl.closed()).toBe(4403);
    expect(cl.ofType('error').at(-1)).toMatchObject({
      code: 'ACCOUNT_BANNED',
      sanction: { kind: 'ban', reason: 'age_lie', appeal_id: banned.body.strike.appeal_id },
    });
    expect(await server.store.listClients(liar.user_hash)).toEqual([]);
    expect(await server.store.countEnvelopes(kid2.client_hash)).toBe(0);
    expect((await server.api('/api/v1/account', { auth: liar.auth })).status).toBe(401);

    // Signing in shows why, until when, and how to appeal.
    const signIn = await server.api('/api/v1/clients', {
      body: { username: 'adm_liar', authenticator: liar.authenticator },
    });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error).toMatchObject({
      code: 'ACCOUNT_BANNED',
      sanction: {
        reason: 'age_lie',
        ends_at: null,
        appeal_id: banned.body.strike.appeal_id,
        statement: {
          decision: 'ban',
          facts: STATEMENT,
          triggered_by_report: true,
          automated_decision: false,
          rule: 'age_lie',
        },
      },
    });
    expect(signIn.body.error.sanction.statement.redress).toContain(banned.body.strike.appeal_id);

    // He appeals with username + secret; the moderator upholds the ban with a reason he can read.
    const appeal = await server.api('/api/v1/appeals', {
      body: {
        username: 'adm_liar',
        authenticator: liar.authenticator,
        appeal_id: banned.body.strike.appeal_id,
        text: 'I am 15.',
      },
    });
    expect(appeal).toMatchObject({ status: 201, body: { status: 'open' } });
    const appeals = await admin('/appeals');
    expect(appeals.body.appeals).toEqual([
      expect.objectContaining({
        appeal_id: banned.body.strike.appeal_id,
        text: 'I am 15.',
        account: expect.objectContaining({ standing: 'banned' }),
      }),
    ]);
    const decided = await admin(`/appeals/${banned.body.strike.appeal_id}/decide`, {
      decision: 'uphold',
      reason: 'Both conversations show the same adult pattern; the ban stands.',
    });
    expect(decided.body).toMatchObject({ status: 'upheld', decided_by: 'mod_anna' });
    const standing = await server.api('/api/v1/standing', {
      body: { username: 'adm_liar', authenticator: liar.authenticator },
    });
    expect(standing.body.banned).toMatchObject({
      appeal: {
        status: 'upheld',
        decision_reason: 'Both conversations show the same adult pattern; the ban stands.',
      },
    });

    // The flood of the other report is dismissed in bulk; the audit log holds every step.
    const bulk = await admin('/reports/dismiss', {
      reported: spam.user_hash,
      statement: 'Advertising once is not worth a strike.',
    });
    expect(bulk.body).toEqual({ dismissed: 1 });
    const audit = (await admin('/audit?limit=100')).body.entries as { actor: string; action: string }[];
    expect(audit.map((e) => `${e.actor}:${e.action}`)).toEqual(
      expect.arrayContaining([
        'operator:moderator.add',
        'system:account.restrict.automatic',
        'mod_anna:report.note',
        'mod_anna:report.ban',
        'mod_anna:account.ban',
        'mod_anna:account.restriction.lift',
        'mod_anna:appeal.uphold',
        'mod_anna:report.dismiss',
      ]),
    );
    for (const c of [c1, cs, cv]) c.close();
  });

  it('bans and unbans an account on the moderator’s own initiative; timed bans follow the ladder', async () => {
    const u = await signUp(server, 'adm_timed', 25);
    const c = await WsTestClient.authed(server.url, u);
    const ban = await admin(`/accounts/${u.user_hash}/ban`, {
      rule: 'harassment',
      statement: 'Threatened several people.',
    });
    expect(ban.status).toBe(201);
    expect(ban.body.strike).toMatchObject({ statement: { duration: '24h', triggered_by_report: false } });
    expect(ban.body.strike.ends_at - ban.body.strike.created_at).toBe(86_400_000);
    expect(await c.closed()).toBe(4403);
    expect(
      (
        await server.api('/api/v1/clients', {
          body: { username: 'adm_timed', authenticator: u.authenticator },
        })
      ).status,
    ).toBe(403);
    expect((await admin(`/accounts/${u.user_hash}`)).body).toMatchObject({
      standing: 'banned',
      next_ban: '7d',
    });
    const unban = await admin(`/accounts/${u.user_hash}/unban`, { statement: 'Mistaken identity, lifted.' });
    expect(unban.body).toEqual({ lifted: 1 });
    expect(
      (
        await server.api('/api/v1/clients', {
          body: { username: 'adm_timed', authenticator: u.authenticator },
        })
      ).status,
    ).toBe(201);
  });

  it('manages moderators through the API', async () => {
    const added = await admin('/moderators', { name: 'mod_ben' });
    expect(added.status).toBe(201);
    expect(added.body.token).toMatch(/^m[0-9a-f]{32}\.[A-Za-z0-9]{64}$/);
    expect((await admin('/moderators', { name: 'mod_ben' })).body.error.code).toBe('MODERATOR_EXISTS');
    const ben = await server.api('/api/v1/admin/moderators', { auth: added.body.token });
    expect(ben.body.moderators.map((m: { name: string }) => m.name)).toEqual(['mod_anna', 'mod_ben']);
    expect((await admin('/moderators/mod_ben', undefined, 'DELETE')).status).toBe(204);
    expect((await server.api('/api/v1/admin/moderators', { auth: added.body.token })).status).toBe(401);
  });
});
