import { generateSecret } from '@omechat/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { OmeChatError, RevealedMessage } from '@omechat/protocol';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import { HttpApi } from '../src/http-api.js';
import { ModeratorApi } from '../src/moderator-api.js';
import type { ChatSummary, ClientEvents } from '../src/sdk-types.js';
import { OPERATOR_ACTOR } from '@omechat/server';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { rejection } from './rejection.js';

// Reports, bans, standing and appeals through the SDK against the real server: the franking values
// the SDK keeps verify; altered or foreign ones are refused and store nothing.
let server: TestServer;
let modToken: string;
beforeAll(async () => {
  server = await startTestServer({ SKIP_COOLDOWN_MS: '0' });
  modToken = (await server.services.moderators.add(OPERATOR_ACTOR, 'mod_sdk')).token;
});
afterAll(async () => {
  await server.destroy();
});

interface Person {
  client: OmeChatClient;
  store: MemoryKeyStore;
  username: string;
  secret: string;
}

async function person(username: string, age: number): Promise<Person> {
  const { secret } = await OmeChatClient.createAccount(server.url, { username, age });
  const store = new MemoryKeyStore();
  const client = await OmeChatClient.signIn({
    baseUrl: server.url,
    username,
    secret,
    keyStore: store,
    WebSocketImpl: WebSocket as never,
  });
  await client.connect();
  return { client, store, username, secret };
}

function next<K extends keyof ClientEvents>(
  c: OmeChatClient,
  event: K,
  pred: (p: ClientEvents[K]) => boolean = () => true,
  ms = 15_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${String(event)} within ${ms} ms`)), ms);
    const off = c.on(event, (p) => {
      if (!pred(p)) return;
      clearTimeout(t);
      off();
      resolve(p);
    });
  });
}

/** a and b chat; a sends `texts` to b; resolves with the chat id once b has them all. */
async function chatWith(a: Person, b: Person, texts: string[]): Promise<string> {
  const started = next(b.client, 'chat.started');
  const startedA = next(a.client, 'chat.started');
  await a.client.findStranger(2);
  await b.client.findStranger(2);
  const chat: ChatSummary = await started;
  await startedA;
  for (const t of texts) {
    const got = next(b.client, 'message', (m) => m.text === t);
    await a.client.sendText(chat.chat_id, t);
    await got;
  }
  return chat.chat_id;
}

async function evidenceOf(p: Person, chat_id: string): Promise<RevealedMessage[]> {
  const out: RevealedMessage[] = [];
  for (const k of await p.store.keys(`evidence:${chat_id}:`)) out.push((await p.store.get(k))!);
  return out.sort((x, y) => x.ts - y.ts);
}

const openReports = async () => (await new ModeratorApi(server.url, modToken).reports()).length;

describe('reports through the SDK', () => {
  it('keeps the franking values of received messages and reports the last ones; the chat ends blocked; once per chat', async () => {
    const a = await person('rep_a', 40);
    const b = await person('rep_b', 41);
    const chat_id = await chatWith(a, b, ['one', 'two', 'three']);
    const four = next(b.client, 'message', (m) => m.text === 'four');
    await a.client.sendText(chat_id, 'four');
    await four;
    const bSays = next(a.client, 'message', (m) => m.text === 'from b');
    await b.client.sendText(chat_id, 'from b');
    await bSays;

    // Only received messages are kept as evidence, each with every value the report needs.
    const kept = await evidenceOf(b, chat_id);
    expect(kept.map((m) => JSON.parse(m.body).text).sort()).toEqual(['four', 'one', 'three', 'two']);
    for (const m of kept)
      expect(Object.keys(m).sort()).toEqual(['body', 'cf', 'kf', 'kid', 'msg_id', 'rf', 'ts']);

    const preview = await b.client.reportPreview(chat_id);
    expect(preview.map((m) => m.text)).toEqual(['one', 'two', 'three', 'four']);
    expect(preview.every((m) => !m.from_me)).toBe(true);
    const chosen = await b.client.reportPreview(chat_id, [preview[1]!.msg_id]);
    expect(chosen.map((m) => m.text)).toEqual(['two']);
    // A message b sent is not b's to reveal.
    const own = (await b.client.history(chat_id)).find((m) => m.from_me)!;
    expect((await rejection(b.client.report(chat_id, { reason: 'spam', msg_ids: [own.msg_id] }))).code).toBe(
      'INVALID_INPUT',
    );

    const ended = next(a.client, 'chat.ended', (e) => e.chat_id === chat_id);
    const before = await openReports();
    const receipt = await b.client.report(chat_id, { reason: 'harassment', note: 'kept insulting me' });
    expect(receipt).toMatchObject({ messages: 4, blocked: true });
    expect((await ended).reason).toBe('blocked');
    expect(await openReports()).toBe(before + 1);
    const summary = (await b.client.listChats()).find((c) => c.chat_id === chat_id)!;
    expect(summary).toMatchObject({ active: false, reported: true, blocked: true });

    // Once per chat: refused on this device, and by the server for a copy sent around the SDK.
    expect((await rejection(b.client.report(chat_id, { reason: 'spam' }))).code).toBe('REPORT_DUPLICATE');
    const creds = (await b.store.get<{ client_hash: string; access_token: string }>('account'))!;
    const again = await rejection(
      new HttpApi(server.url).report(creds, { chat_id, reason: 'spam', messages: kept }),
    );
    expect(again.code).toBe('REPORT_DUPLICATE');
    for (const p of [a, b]) p.client.close();
  });

  it('refuses forged reports with REPORT_INVALID and stores nothing; reports an ended chat', async () => {
    const a = await person('forge_a', 30);
    const b = await person('forge_b', 31);
    const c = await person('forge_c', 32);
    const chat_ab = await chatWith(a, b, ['hello b', 'you are stupid']);
    await a.client.leave(chat_ab);
    const chat_cb = await chatWith(c, b, ['hi from c']);
    const kept = await evidenceOf(b, chat_ab);
    const fromC = await evidenceOf(b, chat_cb);
    const creds = (await b.store.get<{ client_hash: string; access_token: string }>('account'))!;
    const http = new HttpApi(server.url);
    const before = await openReports();

    expect(kept.map((m) => JSON.parse(m.body).text).sort()).toEqual(['hello b', 'you are stupid']);
    const altered = kept.map((m) => ({ ...m, body: m.body.replace('stupid', 'lovely') }));
    expect(altered.filter((m, i) => m.body !== kept[i]!.body)).toHaveLength(1);
    const wrongKf = kept.map((m, i) => (i === 0 ? { ...m, kf: fromC[0]!.kf } : m));
    const otherSender = [...kept, fromC[0]!]; // c's message replayed into the chat with a
    const replayedTag = kept.map((m, i) => (i === 0 ? { ...m, rf: fromC[0]!.rf } : m));
    for (const messages of [altered, wrongKf, otherSender, replayedTag]) {
      const e = await rejection(http.report(creds, { chat_id: chat_ab, reason: 'harassment', messages }));
      expect(e.code).toBe('REPORT_INVALID');
      expect(e.issues?.length).toBeGreaterThan(0);
    }
    expect(await openReports()).toBe(before);

    // The ended chat (a left) is still reportable through the SDK, with the genuine values.
    const receipt = await b.client.report(chat_ab, { reason: 'harassment' });
    expect(receipt.messages).toBe(2);
    expect(await openReports()).toBe(before + 1);
    for (const p of [a, b, c]) p.client.close();
  });

  it('blocks an ended chat: the pair is never matched again', async () => {
    const a = await person('blk_a', 50);
    const b = await person('blk_b', 51);
    const chat_id = await chatWith(a, b, ['bye']);
    await a.client.leave(chat_id);
    await b.client.block(chat_id);
    expect((await b.client.listChats()).find((c) => c.chat_id === chat_id)).toMatchObject({ blocked: true });
    expect(await a.client.findStranger(2)).toBe('waiting');
    expect(await b.client.findStranger(2)).toBe('waiting');
    const d = await person('blk_d', 50);
    // Someone else is matched with the one waiting longest; a and b never with each other.
    const started = next(d.client, 'chat.started');
    expect(await d.client.findStranger(2)).toBe('matched');
    expect((await started).partner.username).toBe('blk_a');
    expect((await rejection(b.client.block('0'.repeat(32)))).code).toBe('NOT_IN_CHAT');
    for (const p of [a, b, d]) p.client.close();
  });

  it('age_lie restricts at once (notice, ACCOUNT_RESTRICTED with the sanction); a ban closes the socket with the statement; appeal with username + secret', async () => {
    const liar = await person('lie_adult', 15);
    const kid = await person('lie_kid', 15);
    const chat_id = await chatWith(liar, kid, ['i am 15 too']);
    const notice = next(liar.client, 'moderation.notice');
    await kid.client.report(chat_id, { reason: 'age_lie' });
    const { strike } = await notice;
    expect(strike).toMatchObject({ kind: 'restriction', reason: 'age_lie' });
    expect(strike.statement.automated_decision).toBe(true);
    const refused = await rejection(liar.client.findStranger(2));
    expect(refused.code).toBe('ACCOUNT_RESTRICTED');
    expect((refused as OmeChatError).sanction?.strike_id).toBe(strike.strike_id);
    expect((await liar.client.standing()).restricted?.strike_id).toBe(strike.strike_id);

    const user_hash = liar.client.user_hash;
    const banned = next(liar.client, 'banned');
    const signedOut = next(liar.client, 'signed-out');
    const mod = new ModeratorApi(server.url, modToken);
    const report = (await mod.reports({ reported: user_hash }))[0]!;
    expect(report.evidence?.map((m) => JSON.parse(m.body).text)).toEqual(['i am 15 too']);
    await mod.resolveReport(report.report_id, {
      action: 'ban',
      duration: 'permanent',
      statement: 'The verified message shows an adult posing as 15 to a 15-year-old.',
    });
    const { sanction } = await banned;
    expect(sanction).toMatchObject({ kind: 'ban', reason: 'age_lie', ends_at: null });
    expect((await signedOut).reason).toBe('banned');

    const signIn = await rejection(
      OmeChatClient.signIn({
        baseUrl: server.url,
        username: liar.username,
        secret: liar.secret,
        keyStore: new MemoryKeyStore(),
      }),
    );
    expect(signIn.code).toBe('ACCOUNT_BANNED');
    expect((signIn as OmeChatError).sanction?.statement.facts).toContain('posing as 15');

    const creds = { baseUrl: server.url, username: liar.username, secret: liar.secret };
    const standing = await OmeChatClient.standingOf(creds);
    expect(standing.banned?.appeal_id).toBe(sanction!.appeal_id);
    const appeal = await OmeChatClient.appeal({ ...creds, appeal_id: sanction!.appeal_id, text: 'I am 15.' });
    expect(appeal.status).toBe('open');
    // A well-formed secret that is not theirs is refused by the server; a mistyped one never leaves.
    const wrong = await rejection(OmeChatClient.standingOf({ ...creds, secret: generateSecret() }));
    expect(wrong.code).toBe('INVALID_CREDENTIALS');
    const typo = await rejection(OmeChatClient.standingOf({ ...creds, secret: 'x'.repeat(64) }));
    expect(typo.code).toBe('SECRET_INVALID');
    const decided = await mod.decideAppeal(appeal.appeal_id, {
      decision: 'uphold',
      reason: 'The messages leave no doubt; the ban stays.',
    });
    expect(decided.status).toBe('upheld');
    expect((await OmeChatClient.standingOf(creds)).banned?.appeal?.status).toBe('upheld');
    kid.client.close();
  });

  it('the moderator API: notes, the account record, bulk dismissal of a flood, the audit log', async () => {
    const target = await person('flood_target', 25);
    const friends = [await person('flood_f1', 25), await person('flood_f2', 26)];
    for (const f of friends) {
      const chat_id = await chatWith(target, f, ['a perfectly normal message']);
      await f.client.report(chat_id, { reason: 'spam' });
    }
    const mod = new ModeratorApi(server.url, modToken);
    const reports = await mod.reports({ reported: target.client.user_hash });
    expect(reports).toHaveLength(2);
    expect(reports[0]!.distinct_reporters).toBe(2);
    const note = await mod.addNote(
      'reports',
      reports[0]!.report_id,
      'Looks like friends reporting together.',
    );
    expect((await mod.report(reports[0]!.report_id)).notes).toEqual([note]);
    const account = await mod.account(target.client.user_hash);
    expect(account).toMatchObject({ username: 'flood_target', age: 25, standing: 'ok', next_ban: '24h' });
    const n = await mod.dismissReports({
      reported: target.client.user_hash,
      statement: 'Two friends reported a harmless greeting; no rule was broken.',
    });
    expect(n).toBe(2);
    expect(await mod.reports({ reported: target.client.user_hash })).toEqual([]);
    const audit = await mod.audit({ limit: 10 });
    expect(audit.filter((e) => e.action === 'report.dismiss' && e.actor === 'mod_sdk')).toHaveLength(2);
    for (const p of [target, ...friends]) p.client.close();
  });

  it('the moderator API refuses a user token', async () => {
    const u = await person('mod_user', 20);
    const creds = (await u.store.get<{ client_hash: string; access_token: string }>('account'))!;
    const e = await rejection(
      new ModeratorApi(server.url, `${creds.client_hash}.${creds.access_token}`).reports(),
    );
    expect(e.code).toBe('UNAUTHENTICATED');
    u.client.close();
  });
});
