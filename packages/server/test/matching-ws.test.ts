import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame, ServerFrameOf } from '@omechat/protocol';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { WsTestClient } from './ws-test-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ SKIP_COOLDOWN_MS: '60000' });
});
afterAll(async () => {
  await server.destroy();
});

async function online(name: string, age: number) {
  const u = await signUp(server, name, age);
  return { ...u, ws: await WsTestClient.authed(server.url, u) };
}

/** Every user_hash a client was ever told about, in any frame. */
function toldAbout(c: WsTestClient): string {
  return c.raw.join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('matching through the real server (ATSS)', () => {
  it('users aged 16, 17, 18 and 30 join: only allowed pairs form; 17 is never told about 18', async () => {
    const u16 = await online('m_sixteen', 16);
    const u17 = await online('m_seventeen', 17);
    const u18 = await online('m_eighteen', 18);
    const u30 = await online('m_thirty', 30);
    // Adults first, so a wrong queue would pair 17 with 18 before 16 arrives.
    expect((await u18.ws.request({ type: 'match.join', tolerance: 5 })).type).toBe('match.waiting');
    expect((await u17.ws.request({ type: 'match.join', tolerance: 5 })).type).toBe('match.waiting');
    expect((await u30.ws.request({ type: 'match.join', tolerance: 5 })).type).toBe('match.waiting'); // 30-18 = 12 > 5
    await u16.ws.request({ type: 'match.join', tolerance: 5 });
    const m16 = await u16.ws.waitType('match.found');
    const m17 = await u17.ws.waitType('match.found');
    expect(m16.chat.partner.user_hash).toBe(u17.user_hash);
    expect(m17.chat.partner.user_hash).toBe(u16.user_hash);
    await sleep(300);
    expect(u18.ws.ofType('match.found')).toHaveLength(0);
    expect(u30.ws.ofType('match.found')).toHaveLength(0);
    for (const minor of [u16, u17]) {
      expect(toldAbout(minor.ws)).not.toContain(u18.user_hash);
      expect(toldAbout(minor.ws)).not.toContain(u30.user_hash);
    }
    // Browse never shows the minors to the adults or the adults to the minors.
    for (const u of [u16, u17, u18, u30])
      await u.ws.request({ type: 'availability', open: true, tolerance: 5 });
    const b17 = (await u17.ws.request({ type: 'browse', tolerance: 5 })) as ServerFrameOf<'browse.result'>;
    expect(b17.people.map((p) => p.user_hash)).toEqual([u16.user_hash]);
    const b18 = (await u18.ws.request({ type: 'browse', tolerance: 5 })) as ServerFrameOf<'browse.result'>;
    expect(b18.people.map((p) => p.user_hash)).toEqual([]);
    expect(toldAbout(u17.ws)).not.toContain(u18.user_hash);
    // Invitations across the wall are refused without telling why.
    expect(await u18.ws.request({ type: 'invite', user_hash: u17.user_hash, tolerance: 5 })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(u17.ws.ofType('invite.received')).toHaveLength(0);
    for (const u of [u16, u17, u18, u30]) u.ws.close();
  });

  it('next ends the chat for both with a notice, re-queues, and does not re-match the pair at once', async () => {
    const a = await online('n_a', 25);
    const b = await online('n_b', 26);
    await a.ws.request({ type: 'match.join', tolerance: 3 });
    await b.ws.request({ type: 'match.join', tolerance: 3 });
    const { chat } = await a.ws.waitType('match.found');
    await b.ws.waitType('match.found');
    const r = await a.ws.request({ type: 'match.next', chat_id: chat.chat_id, tolerance: 3 });
    expect(r.type).toBe('match.waiting');
    expect(await b.ws.waitType('chat.ended')).toMatchObject({ chat_id: chat.chat_id, reason: 'next' });
    // b searches again: a is waiting but they just skipped each other.
    expect((await b.ws.request({ type: 'match.join', tolerance: 3 })).type).toBe('match.waiting');
    const c = await online('n_c', 27);
    await c.ws.request({ type: 'match.join', tolerance: 3 });
    const found = (await c.ws.waitType('match.found')) as ServerFrameOf<'match.found'>;
    // c pairs with the longest-waiting compatible user: a (waiting since its next).
    expect(found.chat.partner.user_hash).toBe(a.user_hash);
    for (const u of [a, b, c]) u.ws.close();
  });

  it('block ends the chat and the pair is never matched again, even after a restart', async () => {
    const a = await online('blk_a', 40);
    const b = await online('blk_b', 41);
    await a.ws.request({ type: 'match.join', tolerance: 2 });
    await b.ws.request({ type: 'match.join', tolerance: 2 });
    const { chat } = await a.ws.waitType('match.found');
    expect(await a.ws.request({ type: 'block', chat_id: chat.chat_id })).toMatchObject({ type: 'ok' });
    expect(await b.ws.waitType('chat.ended')).toMatchObject({ reason: 'blocked' });
    a.ws.close();
    b.ws.close();
    // The pair is stored as a keyed hash only.
    const pairs = await server.store.listBlockedPairs();
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatch(/^[0-9a-f]{64}$/);
    expect([a.user_hash, b.user_hash]).not.toContain(pairs[0]);
    server = await server.restart();
    const a2 = await WsTestClient.authed(server.url, a);
    const b2 = await WsTestClient.authed(server.url, b);
    expect((await a2.request({ type: 'match.join', tolerance: 2 })).type).toBe('match.waiting');
    expect((await b2.request({ type: 'match.join', tolerance: 2 })).type).toBe('match.waiting');
    await sleep(1200); // the periodic sweep must not pair them either
    expect(a2.ofType('match.found')).toHaveLength(0);
    a2.close();
    b2.close();
  });

  it('invitations: a chat exists only once accepted; decline tells the inviter', async () => {
    const a = await online('inv_a', 20);
    const b = await online('inv_b', 21);
    await b.ws.request({ type: 'availability', open: true, tolerance: 2 });
    const browse = (await a.ws.request({ type: 'browse', tolerance: 2 })) as ServerFrameOf<'browse.result'>;
    expect(browse.people.map((p) => p.user_hash)).toContain(b.user_hash);
    const sent = (await a.ws.request({
      type: 'invite',
      user_hash: b.user_hash,
      tolerance: 2,
    })) as ServerFrameOf<'invite.sent'>;
    const got = await b.ws.waitType('invite.received');
    expect(got.from.user_hash).toBe(a.user_hash);
    expect((await a.ws.request({ type: 'chats.list' })) as ServerFrame).toMatchObject({ chats: [] });
    await b.ws.request({ type: 'invite.answer', invitation_id: got.invitation_id, accept: false });
    expect((await a.ws.waitType('invite.declined')).invitation_id).toBe(sent.invitation_id);
    const again = (await a.ws.request({
      type: 'invite',
      user_hash: b.user_hash,
      tolerance: 2,
    })) as ServerFrameOf<'invite.sent'>;
    const got2 = await b.ws.waitFor(
      (f) => f.type === 'invite.received' && f.invitation_id === again.invitation_id,
    );
    await b.ws.request({
      type: 'invite.answer',
      invitation_id: (got2 as ServerFrameOf<'invite.received'>).invitation_id,
      accept: true,
    });
    const started = await a.ws.waitType('chat.started');
    expect(started.chat.partner.user_hash).toBe(b.user_hash);
    expect(
      await b.ws.request({ type: 'invite.answer', invitation_id: again.invitation_id, accept: true }),
    ).toMatchObject({
      code: 'INVITATION_NOT_FOUND',
    });
    a.ws.close();
    b.ws.close();
  });

  it('refuses match.join while in a chat (ALREADY_IN_CHAT), so a pair cannot pile up chats', async () => {
    const a = await online('aic_a', 40);
    const b = await online('aic_b', 40);
    await a.ws.request({ type: 'match.join', tolerance: 0 });
    await b.ws.request({ type: 'match.join', tolerance: 0 });
    const { chat } = await a.ws.waitType('match.found');
    for (let i = 0; i < 5; i++) {
      expect(await a.ws.request({ type: 'match.join', tolerance: 0 })).toMatchObject({
        type: 'error',
        code: 'ALREADY_IN_CHAT',
      });
      expect(await b.ws.request({ type: 'match.join', tolerance: 0 })).toMatchObject({
        code: 'ALREADY_IN_CHAT',
      });
    }
    await sleep(1200); // nor does the periodic sweep pair them again
    expect(await a.ws.request({ type: 'chats.list' })).toMatchObject({ chats: [{ chat_id: chat.chat_id }] });
    // Leaving the chat opens the queue again.
    await a.ws.request({ type: 'chat.leave', chat_id: chat.chat_id });
    expect((await a.ws.request({ type: 'match.join', tolerance: 0 })).type).toBe('match.waiting');
    a.ws.close();
    b.ws.close();
  });

  it('an accepted invitation ends the search of both; next with another chat open is refused first', async () => {
    const a = await online('aic_inv_a', 50);
    const b = await online('aic_inv_b', 50);
    const c = await online('aic_inv_c', 50);
    const d = await online('aic_inv_d', 50);
    const inviteAccepted = async (to: typeof b) => {
      await to.ws.request({ type: 'availability', open: true, tolerance: 0 });
      const sent = (await a.ws.request({
        type: 'invite',
        user_hash: to.user_hash,
        tolerance: 0,
      })) as ServerFrameOf<'invite.sent'>;
      await to.ws.waitFor((f) => f.type === 'invite.received' && f.invitation_id === sent.invitation_id);
      await to.ws.request({ type: 'invite.answer', invitation_id: sent.invitation_id, accept: true });
      return a.ws.waitFor((f) => f.type === 'chat.started' && f.chat.partner.user_hash === to.user_hash);
    };
    expect((await a.ws.request({ type: 'match.join', tolerance: 0 })).type).toBe('match.waiting');
    const withB = (await inviteAccepted(b)) as ServerFrameOf<'chat.started'>;
    // a no longer waits: c joining finds nobody.
    expect((await c.ws.request({ type: 'match.join', tolerance: 0 })).type).toBe('match.waiting');
    await sleep(1200);
    expect(c.ws.ofType('match.found')).toHaveLength(0);
    // With a second chat open, next in the first is refused before anything ends.
    await inviteAccepted(d);
    const next = await a.ws.request({ type: 'match.next', chat_id: withB.chat.chat_id, tolerance: 0 });
    expect(next).toMatchObject({ type: 'error', code: 'ALREADY_IN_CHAT' });
    expect(((await a.ws.request({ type: 'chats.list' })) as ServerFrameOf<'chats'>).chats).toHaveLength(2);
    for (const u of [a, b, c, d]) u.ws.close();
  });
});
