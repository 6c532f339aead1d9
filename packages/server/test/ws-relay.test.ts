import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '@omechat/protocol';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ AUTH_TIMEOUT_MS: '500', MAX_FRAME_BYTES: '8192' });
});
afterAll(async () => {
  await server.destroy();
});

async function addClient(username: string, secret: string) {
  const r = await server.api('/api/v1/clients', { body: { username, authenticator: secret } });
  return { client_hash: r.body.client_hash as string, access_token: r.body.access_token as string };
}

/** Two users matched by the real queue (ages 16 and 17, tolerance 2). */
/** Two users matched by the real queue (ages 16 and 17, tolerance 2), checking what each is told. */
async function matchedMinors(prefix: string) {
  const pair = await matchedPair(server, [`${prefix}_a`, `${prefix}_b`], [16, 17], 2);
  expect(pair.firstJoin.type).toBe('match.waiting');
  const fa = await pair.ca.waitType('match.found');
  const fb = await pair.cb.waitType('match.found');
  expect(fa.chat.chat_id).toBe(fb.chat.chat_id);
  expect(fa.chat.partner).toMatchObject({
    user_hash: pair.b.user_hash,
    username: `${prefix}_b`,
    age: 17,
    age_band: 'minor-old',
  });
  return pair;
}

describe('WebSocket gateway: authentication and malformed frames', () => {
  it('accepts nothing before auth', async () => {
    const c = await WsTestClient.open(server.url);
    const r = await c.request({ type: 'chats.list' });
    expect(r).toMatchObject({ type: 'error', code: 'AUTH_REQUIRED' });
    expect(await c.closed()).toBe(4401);
  });

  it('refuses a wrong token and closes', async () => {
    const u = await signUp(server, 'ws_wrongtoken', 20);
    const c = await WsTestClient.open(server.url);
    const r = await c.request({ type: 'auth', client_hash: u.client_hash, access_token: 'A'.repeat(64) });
    expect(r).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
    expect(await c.closed()).toBe(4401);
  });

  it('closes a connection that never authenticates', async () => {
    const c = await WsTestClient.open(server.url);
    const err = await c.waitType('error', 3000);
    expect(err.code).toBe('AUTH_TIMEOUT');
    expect(await c.closed()).toBe(4401);
  });

  it('answers malformed frames with typed errors and keeps working', async () => {
    const u = await signUp(server, 'ws_malformed', 20);
    const c = await WsTestClient.authed(server.url, u);
    const cases: [string, string][] = [
      ['not json', 'INVALID_FRAME'],
      ['[]', 'INVALID_FRAME'],
      ['{"type": 5}', 'INVALID_FRAME'],
      ['{"type": "nope", "ref": "x1"}', 'INVALID_FRAME'],
      // A known type that does not match its schema (docs/errors.md): INVALID_INPUT.
      ['{"type": "message.send", "ref": "x2"}', 'INVALID_INPUT'],
      ['{"type": "typing", "ref": "x3", "chat_id": "zz", "typing": true}', 'INVALID_INPUT'],
      [JSON.stringify({ type: 'chats.list', ref: 'x4', pad: 'x'.repeat(10_000) }), 'FRAME_TOO_LARGE'],
      [
        JSON.stringify({ type: 'auth', ref: 'x5', client_hash: u.client_hash, access_token: u.access_token }),
        'ALREADY_AUTHENTICATED',
      ],
      [JSON.stringify({ type: 'match.join', ref: 'x6', tolerance: 6 }), 'TOLERANCE_INVALID'],
      [JSON.stringify({ type: 'match.join', ref: 'x7', tolerance: '2' }), 'TOLERANCE_INVALID'],
      [JSON.stringify({ type: 'chats.list', ref: 'x8', extra: true }), 'INVALID_INPUT'],
    ];
    for (const [raw, code] of cases) {
      const before = c.frames.length;
      c.sendRaw(raw);
      const f = await c.waitFor((x) => c.frames.indexOf(x) >= before && x.type === 'error');
      expect(f, raw.slice(0, 40)).toMatchObject({ code });
    }
    const ok = await c.request({ type: 'chats.list' });
    expect(ok).toMatchObject({ type: 'chats', chats: [] });
    c.close();
  });
});

describe('envelope relay', () => {
  it('delivers between chat partners with the sender taken from the connection', async () => {
    const { a, b, ca, cb, chat_id } = await matchedMinors('relay1');
    const msg_id = randomMsgId();
    const acked = ca.request({
      type: 'message.send',
      chat_id,
      msg_id,
      cf: b64('c'.repeat(32)),
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('ciphertext-1') }],
    }) as Promise<ServerFrameOf<'message.ack'>>;
    const env = await cb.waitType('envelope');
    // The sender hears of it only once the recipient device has it (nothing only in memory).
    expect(ca.ofType('message.ack')).toEqual([]);
    cb.sendRaw(JSON.stringify({ type: 'envelope.ack', ids: [env.id] }));
    const ack = await acked;
    expect(ack).toMatchObject({ type: 'message.ack', msg_id, delivered: 1, stored: 0, missing_clients: [] });
    expect(env).toMatchObject({
      chat_id,
      msg_id,
      from_user: a.user_hash,
      from_client: a.client_hash,
      ciphertext: b64('ciphertext-1'),
    });
    expect(env.rf).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(env.ts).toBe(ack.ts);

    // A forged sender field is not accepted as part of the frame.
    const forged = await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: b64('c'.repeat(32)),
      from_user: b.user_hash,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('forged') }],
    });
    expect(forged).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    expect(cb.ofType('envelope').map((e) => e.ciphertext)).not.toContain(b64('forged'));

    // Typing and read notices reach the partner.
    await ca.request({ type: 'typing', chat_id, typing: true });
    expect(await cb.waitType('typing')).toMatchObject({ chat_id, user_hash: a.user_hash, typing: true });
    await cb.request({ type: 'read', chat_id, msg_id });
    expect(await ca.waitType('read')).toMatchObject({ chat_id, user_hash: b.user_hash, msg_id });
    ca.close();
    cb.close();
  });

  it('refuses messages, typing and bundles to users outside a shared chat', async () => {
    const { a, ca, cb, chat_id } = await matchedMinors('relay2');
    const stranger = await signUp(server, 'relay2_stranger', 16);
    const cs = await WsTestClient.authed(server.url, stranger);
    const toStranger = await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: stranger.client_hash, ciphertext: b64('nope') }],
    });
    expect(toStranger).toMatchObject({ type: 'error', code: 'NOT_IN_CHAT' });
    const fromStranger = await cs.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: a.client_hash, ciphertext: b64('nope') }],
    });
    expect(fromStranger).toMatchObject({ type: 'error', code: 'NOT_IN_CHAT' });
    expect(await cs.request({ type: 'typing', chat_id, typing: true })).toMatchObject({
      code: 'NOT_IN_CHAT',
    });
    expect(await cs.request({ type: 'bundles.fetch', user_hash: a.user_hash })).toMatchObject({
      code: 'NOT_IN_CHAT',
    });
    expect(ca.ofType('envelope')).toHaveLength(0);
    expect(cb.ofType('envelope')).toHaveLength(0);
    for (const c of [ca, cb, cs]) c.close();
  });

  it('serves bundles with one-time prekeys handed out once, and warns on low stock', async () => {
    const { a, b, ca, cb } = await matchedMinors('bundles');
    const up = await cb.request({
      type: 'prekeys.upload',
      bundle: b64('bundle-of-b'),
      one_time_prekeys: [
        { id: 1, key: b64('otpk1') },
        { id: 2, key: b64('otpk2') },
      ],
      one_time_kem_prekeys: [{ id: 7, key: b64('pq7'), signature: b64('sig7') }],
    });
    expect(up).toMatchObject({ type: 'prekeys.ok', one_time_prekeys: 2, one_time_kem_prekeys: 1 });
    const first = (await ca.request({
      type: 'bundles.fetch',
      user_hash: b.user_hash,
    })) as ServerFrameOf<'bundles'>;
    expect(first.devices).toEqual([
      {
        client_hash: b.client_hash,
        bundle: b64('bundle-of-b'),
        one_time_prekey: { id: 1, key: b64('otpk1') },
        one_time_kem_prekey: { id: 7, key: b64('pq7'), signature: b64('sig7') },
      },
    ]);
    expect(await cb.waitType('prekeys.low')).toMatchObject({ one_time_prekeys: 1, one_time_kem_prekeys: 0 });
    const second = (await ca.request({
      type: 'bundles.fetch',
      user_hash: b.user_hash,
    })) as ServerFrameOf<'bundles'>;
    expect(second.devices[0]!.one_time_prekey).toEqual({ id: 2, key: b64('otpk2') });
    const third = (await ca.request({
      type: 'bundles.fetch',
      user_hash: b.user_hash,
    })) as ServerFrameOf<'bundles'>;
    expect(third.devices[0]!.one_time_prekey).toBeNull();
    // Own other devices may be fetched too (multi-device), the requesting device itself is left out.
    const own = (await ca.request({
      type: 'bundles.fetch',
      user_hash: a.user_hash,
    })) as ServerFrameOf<'bundles'>;
    expect(own.devices).toEqual([]);
    ca.close();
    cb.close();
  });

  it('stores for offline devices, drains in order after reconnect, and survives a restart', async () => {
    const { a, b, ca, cb, chat_id } = await matchedMinors('offline');
    const b2 = await addClient('offline_b', b.authenticator);
    cb.close();
    await new Promise((r) => setTimeout(r, 100));
    const sent: string[] = [];
    for (let i = 0; i < 25; i++) {
      const ack = (await ca.request({
        type: 'message.send',
        chat_id,
        msg_id: randomMsgId(),
        cf: CF,
        envelopes: [
          { to_client: b.client_hash, ciphertext: b64(`m${i}-b1`) },
          { to_client: b2.client_hash, ciphertext: b64(`m${i}-b2`) },
        ],
      })) as ServerFrameOf<'message.ack'>;
      expect(ack).toMatchObject({ type: 'message.ack', stored: 2, delivered: 0 });
      sent.push(`m${i}`);
    }
    ca.close();
    server = await server.restart();

    const r1 = await WsTestClient.authed(server.url, b);
    await r1.waitType('sync.done');
    const got = r1.ofType('envelope');
    expect(got.map((e) => Buffer.from(e.ciphertext, 'base64').toString())).toEqual(
      sent.map((s) => `${s}-b1`),
    );
    expect(got.every((e) => e.from_user === a.user_hash)).toBe(true);
    await r1.request({ type: 'envelope.ack', ids: got.slice(0, 10).map((e) => e.id) });
    r1.close();
    await new Promise((r) => setTimeout(r, 100));

    // Unacknowledged envelopes come again; acknowledged ones do not.
    const r2 = await WsTestClient.authed(server.url, b);
    await r2.waitType('sync.done');
    expect(r2.ofType('envelope').map((e) => Buffer.from(e.ciphertext, 'base64').toString())).toEqual(
      sent.slice(10).map((s) => `${s}-b1`),
    );
    await r2.request({ type: 'envelope.ack', ids: r2.ofType('envelope').map((e) => e.id) });
    expect(await server.store.countEnvelopes(b.client_hash)).toBe(0);
    // The second device still has all of its own copies.
    expect(await server.store.countEnvelopes(b2.client_hash)).toBe(25);
    r2.close();
  });

  it('tells the sender which devices it did not cover, and ends chats for both with a notice', async () => {
    const { b, ca, cb, chat_id } = await matchedMinors('cover');
    const b2 = await addClient('cover_b', b.authenticator);
    const ack = (await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('only b1') }],
    })) as ServerFrameOf<'message.ack'>;
    expect(ack.missing_clients).toEqual([b2.client_hash]);
    await ca.request({ type: 'chat.leave', chat_id });
    expect(await cb.waitType('chat.ended')).toMatchObject({ chat_id, reason: 'left' });
    expect(await ca.waitType('chat.ended')).toMatchObject({ chat_id, reason: 'left' });
    const after = await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('after') }],
    });
    expect(after).toMatchObject({ type: 'error', code: 'NOT_IN_CHAT' });
    ca.close();
    cb.close();
  });

  it('rate-limits message.send per client with a burst, then refills', async () => {
    const s2 = await startTestServer({ MESSAGE_BURST: '3', MESSAGES_PER_SECOND: '2' });
    try {
      const { b, ca, cb, chat_id } = await matchedPair(s2, ['rl_a', 'rl_b'], [60, 60], 0);
      cb.autoAck();
      const send = () =>
        ca.request({
          type: 'message.send',
          chat_id,
          msg_id: randomMsgId(),
          cf: CF,
          envelopes: [{ to_client: b.client_hash, ciphertext: b64('x') }],
        });
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await send());
      expect(replies.map((r) => r.type)).toEqual(['message.ack', 'message.ack', 'message.ack', 'error']);
      expect(replies[3]).toMatchObject({ code: 'RATE_LIMITED' });
      await new Promise((r) => setTimeout(r, 600)); // one token back after 0.5 s
      expect((await send()).type).toBe('message.ack');
      ca.close();
      cb.close();
    } finally {
      await s2.destroy();
    }
  });
});
