import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ENVELOPES_PER_MESSAGE } from '@omechat/protocol';
import { loadConfig } from '../src/config.js';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

/** Issue 12: each quota is hit and refused with its typed error, and nothing of a refusal is kept. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    PENDING_ENVELOPES_PER_DEVICE: '5',
    PENDING_BYTES_PER_DEVICE: '4096',
    ONE_TIME_PREKEYS_PER_DEVICE: '250',
    BUNDLE_FETCHES_PER_PAIR_PER_HOUR: '3',
  });
});
afterAll(async () => {
  await server.destroy();
});

async function secondDevice(username: string, secret: string) {
  const r = await server.api('/api/v1/clients', { body: { username, authenticator: secret } });
  expect(r.status).toBe(201);
  return r.body as { client_hash: string; access_token: string };
}

describe('pending envelopes per recipient device', () => {
  it('refuses a message once a device holds the most envelopes, before anything is sent', async () => {
    const { b, ca, cb, chat_id } = await matchedPair(server, ['qp_a', 'qp_b'], [30, 30], 0);
    const b2 = await secondDevice('qp_b', b.authenticator);
    cb.close(); // b's first device goes offline: everything for it is stored
    await new Promise((r) => setTimeout(r, 100));
    const send = (to: string[], text = 'x') =>
      ca.request({
        type: 'message.send',
        chat_id,
        msg_id: randomMsgId(),
        cf: CF,
        envelopes: to.map((to_client) => ({ to_client, ciphertext: b64(text) })),
      });
    for (let i = 0; i < 5; i++)
      expect(await send([b.client_hash])).toMatchObject({ type: 'message.ack', stored: 1 });
    const live = await WsTestClient.authed(server.url, b2);
    await live.waitType('sync.done');
    const refused = await send([b.client_hash, b2.client_hash]);
    expect(refused).toMatchObject({ type: 'error', code: 'PENDING_QUOTA_EXCEEDED' });
    await new Promise((r) => setTimeout(r, 100));
    expect(live.ofType('envelope')).toHaveLength(0); // nothing of the refused message went out
    expect(await server.store.countEnvelopes(b.client_hash)).toBe(5);
    // Once the device has caught up, messages flow again.
    const back = await WsTestClient.authed(server.url, b);
    await back.waitType('sync.done');
    back.sendRaw(JSON.stringify({ type: 'envelope.ack', ids: back.ofType('envelope').map((e) => e.id) }));
    await new Promise((r) => setTimeout(r, 100));
    back.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await send([b.client_hash])).toMatchObject({ type: 'message.ack', stored: 1 });
    ca.close();
    live.close();
  });

  it('refuses a message once a device holds the most bytes', async () => {
    const { b, ca, cb, chat_id } = await matchedPair(server, ['qb_a', 'qb_b'], [30, 30], 0);
    cb.close();
    await new Promise((r) => setTimeout(r, 100));
    const send = () =>
      ca.request({
        type: 'message.send',
        chat_id,
        msg_id: randomMsgId(),
        cf: CF,
        envelopes: [{ to_client: b.client_hash, ciphertext: Buffer.alloc(1500, 1).toString('base64') }],
      });
    expect(await send()).toMatchObject({ type: 'message.ack', stored: 1 }); // 2000 bytes
    expect(await send()).toMatchObject({ type: 'message.ack', stored: 1 }); // 4000 bytes
    expect(await send()).toMatchObject({ type: 'error', code: 'PENDING_QUOTA_EXCEEDED' });
    expect(await server.store.countEnvelopes(b.client_hash)).toBe(2);
    ca.close();
  });
});

describe('one-time prekeys per device', () => {
  it('refuses an upload that would pass the quota and stores nothing of it', async () => {
    const { b, ca, cb } = await matchedPair(server, ['qk_a', 'qk_b'], [30, 30], 0);
    const keys = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: from + i, key: b64(`key${from + i}`) }));
    expect(await cb.request({ type: 'prekeys.upload', one_time_prekeys: keys(0, 200) })).toMatchObject({
      type: 'prekeys.ok',
      one_time_prekeys: 200,
    });
    const refused = await cb.request({
      type: 'prekeys.upload',
      bundle: b64('bundle'),
      one_time_prekeys: keys(200, 100),
    });
    expect(refused).toMatchObject({ type: 'error', code: 'PREKEY_QUOTA_EXCEEDED' });
    expect(await server.store.countOneTimePrekeys(b.client_hash)).toBe(200);
    // The bundle of the refused upload was not stored either.
    expect(await ca.request({ type: 'bundles.fetch', user_hash: b.user_hash })).toMatchObject({
      devices: [],
    });
    expect(await cb.request({ type: 'prekeys.upload', one_time_prekeys: keys(200, 50) })).toMatchObject({
      one_time_prekeys: 250,
    });
    ca.close();
    cb.close();
  });

  it('one-time ML-KEM prekeys have their own quota (100 per device), checked the same way', async () => {
    const { b, cb } = await matchedPair(server, ['qm_a', 'qm_b'], [30, 30], 0);
    const kem = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: from + i,
        key: b64(`kem${from + i}`),
        signature: b64('sig'),
      }));
    for (const from of [0, 50])
      expect(await cb.request({ type: 'prekeys.upload', one_time_kem_prekeys: kem(from, 50) })).toMatchObject(
        {
          type: 'prekeys.ok',
          one_time_kem_prekeys: from + 50,
        },
      );
    const refused = await cb.request({
      type: 'prekeys.upload',
      one_time_prekeys: [{ id: 999, key: b64('x') }],
      one_time_kem_prekeys: kem(100, 1),
    });
    expect(refused).toMatchObject({ type: 'error', code: 'PREKEY_QUOTA_EXCEEDED' });
    expect(await server.store.countOneTimeKemPrekeys(b.client_hash)).toBe(100);
    expect(await server.store.countOneTimePrekeys(b.client_hash)).toBe(0);
    // More than one upload may carry is refused whole (INVALID_INPUT: a known frame, bad fields).
    const tooMany = await cb.request({ type: 'prekeys.upload', one_time_kem_prekeys: kem(200, 51) });
    expect(tooMany).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    cb.close();
  });
});

describe('bundles.fetch per requester and target', () => {
  it('refuses a partner draining one-time prekeys, without touching other pairs', async () => {
    const { a, b, ca, cb } = await matchedPair(server, ['qf_a', 'qf_b'], [30, 30], 0);
    await cb.request({
      type: 'prekeys.upload',
      bundle: b64('bundle'),
      one_time_prekeys: Array.from({ length: 10 }, (_, i) => ({ id: i, key: b64(`k${i}`) })),
    });
    for (let i = 0; i < 3; i++)
      expect(await ca.request({ type: 'bundles.fetch', user_hash: b.user_hash })).toMatchObject({
        type: 'bundles',
      });
    const refused = await ca.request({ type: 'bundles.fetch', user_hash: b.user_hash });
    expect(refused).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect((refused as { retry_after?: number }).retry_after).toBeGreaterThan(0);
    expect(await server.store.countOneTimePrekeys(b.client_hash)).toBe(7);
    // Other pairs keep their own counts.
    expect(await ca.request({ type: 'bundles.fetch', user_hash: a.user_hash })).toMatchObject({
      type: 'bundles',
    });
    expect(await cb.request({ type: 'bundles.fetch', user_hash: a.user_hash })).toMatchObject({
      type: 'bundles',
    });
    ca.close();
    cb.close();
  });
});

describe('devices per account', () => {
  it('allows 16 devices, refuses a 17th, and one message reaches every device of both users', async () => {
    const max = Math.floor((MAX_ENVELOPES_PER_MESSAGE + 1) / 2);
    expect(max).toBe(16);
    const { a, b, ca, cb, chat_id } = await matchedPair(server, ['qd_a', 'qd_b'], [30, 30], 0);
    const more = { a: [] as string[], b: [] as string[] };
    for (let i = 1; i < max; i++) {
      more.a.push((await secondDevice('qd_a', a.authenticator)).client_hash);
      more.b.push((await secondDevice('qd_b', b.authenticator)).client_hash);
    }
    const refused = await server.api('/api/v1/clients', {
      body: { username: 'qd_a', authenticator: a.authenticator },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('DEVICE_LIMIT_REACHED');
    expect((await server.api('/api/v1/clients', { auth: a.auth })).body.clients).toHaveLength(max);

    // The partner's 16 devices and the sender's 15 others: 31 envelopes, within the 32 allowed.
    const targets = [b.client_hash, ...more.b, ...more.a];
    expect(targets.length).toBeLessThanOrEqual(MAX_ENVELOPES_PER_MESSAGE);
    const ack = await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: targets.map((to_client) => ({ to_client, ciphertext: b64('hi') })),
    });
    expect(ack).toMatchObject({ type: 'message.ack', missing_clients: [] });

    // Revoking a device makes room again.
    await server.api(`/api/v1/clients/${more.a[0]}`, { method: 'DELETE', auth: a.auth });
    expect(
      (await server.api('/api/v1/clients', { body: { username: 'qd_a', authenticator: a.authenticator } }))
        .status,
    ).toBe(201);
    ca.close();
    cb.close();
  });

  it('at the cap, a device unseen for longer than the message TTL makes room (no lockout)', async () => {
    const u = await signUp(server, 'qd_stale', 30);
    const devices = [u.client_hash];
    for (let i = 1; i < 16; i++) devices.push((await secondDevice('qd_stale', u.authenticator)).client_hash);
    const refused = await server.api('/api/v1/clients', {
      body: { username: 'qd_stale', authenticator: u.authenticator },
    });
    expect(refused.body.error.code).toBe('DEVICE_LIMIT_REACHED');
    // One device was last seen long ago (a wiped browser, say): everything pending for it expired.
    await server.store.touchLastSeen(devices[5]!, '2020-01-01');
    const ok = await server.api('/api/v1/clients', {
      body: { username: 'qd_stale', authenticator: u.authenticator },
    });
    expect(ok.status).toBe(201);
    const left = (await server.api('/api/v1/clients', { auth: u.auth })).body.clients as {
      client_hash: string;
    }[];
    expect(left).toHaveLength(16);
    expect(left.map((c) => c.client_hash)).not.toContain(devices[5]);
  });

  it('refuses a configured cap that one message could not cover', () => {
    expect(() => loadConfig({ DEVICES_PER_ACCOUNT: '17' })).toThrow(/DEVICES_PER_ACCOUNT/);
    expect(loadConfig({ DEVICES_PER_ACCOUNT: '4' }).DEVICES_PER_ACCOUNT).toBe(4);
  });
});
