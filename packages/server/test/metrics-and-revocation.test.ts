import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ METRICS_ENABLED: 'true' });
});
afterAll(async () => {
  await server.destroy();
});

describe('revocation and deletion reach live sockets', () => {
  it('closes the socket of a revoked client at once', async () => {
    const u = await signUp(server, 'rv_live', 30);
    const second = await server.api('/api/v1/clients', {
      body: { username: 'rv_live', authenticator: u.authenticator },
    });
    const ws = await WsTestClient.authed(server.url, {
      client_hash: second.body.client_hash,
      access_token: second.body.access_token,
    });
    await server.api(`/api/v1/clients/${second.body.client_hash}`, { method: 'DELETE', auth: u.auth });
    expect((await ws.waitType('error')).code).toBe('UNAUTHENTICATED');
    expect(await ws.closed()).toBe(4401);
  });

  it('deleting an account ends its chats for the partner and closes its sockets', async () => {
    const { a, ca, cb, chat_id } = await matchedPair(server, ['del_a', 'del_b'], [30, 30], 0);
    await server.api('/api/v1/account', { method: 'DELETE', auth: a.auth });
    expect(await cb.waitType('chat.ended')).toMatchObject({
      chat_id,
      reason: 'account_deleted',
    });
    expect(await ca.closed()).toBe(4401);
    cb.close();
  });
});

describe('unacknowledged live envelopes of devices that are gone', () => {
  it('are not parked for a revoked device, nor kept from a sender who deleted the account', async () => {
    const { a, b, ca, cb, chat_id } = await matchedPair(server, ['gone_a', 'gone_b'], [33, 33], 0);
    const send = (to: string) =>
      ca.request({
        type: 'message.send',
        chat_id,
        msg_id: randomMsgId(),
        cf: CF,
        envelopes: [{ to_client: to, ciphertext: b64('x') }],
      });
    // Live copies are acknowledged to the sender once the device acked them or once they were
    // parked at LIVE_ACK_DEADLINE_MS (docs/protocol.md): either way the one copy is accounted for.
    const copies = async (to: string) => {
      const ack = (await send(to)) as { delivered: number; stored: number };
      return ack.delivered + ack.stored;
    };
    // B's device receives live and never acknowledges; then it is revoked (from another device).
    expect(await copies(b.client_hash)).toBe(1);
    await cb.waitType('envelope');
    const other = await server.api('/api/v1/clients', {
      body: { username: 'gone_b', authenticator: b.authenticator },
    });
    await server.api(`/api/v1/clients/${b.client_hash}`, {
      method: 'DELETE',
      auth: `${other.body.client_hash}.${other.body.access_token}`,
    });
    expect(await cb.closed()).toBe(4401);

    // A sender deletes the account while a recipient holds an unacknowledged envelope of it.
    const b2 = await WsTestClient.authed(server.url, {
      client_hash: other.body.client_hash,
      access_token: other.body.access_token,
    });
    await b2.waitType('sync.done');
    expect(await copies(other.body.client_hash)).toBe(1);
    await b2.waitType('envelope');
    await server.api('/api/v1/account', { method: 'DELETE', auth: a.auth });
    b2.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(await server.store.countEnvelopes(other.body.client_hash)).toBe(0);
    expect(server.logs.join('')).not.toContain('detach failed');
    expect(await ca.closed()).toBe(4401);
  });
});

describe('GET /metrics (opt-in)', () => {
  it('exposes counts and the block-cache counters, and no ids', async () => {
    const { a, b, ca, cb, chat_id } = await matchedPair(server, ['met_a', 'met_b'], [50, 50], 0);
    cb.close();
    await new Promise((r) => setTimeout(r, 100));
    await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('x') }],
    });
    const again = await WsTestClient.authed(server.url, b);
    await again.waitType('envelope');
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/^omechat_connections \d+$/m);
    expect(Number(/^omechat_envelopes_stored_total (\d+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(1);
    // The stored envelope's block was warmed on append, so the drain was a cache hit.
    expect(Number(/^omechat_block_cache_hits_total (\d+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(1);
    for (const id of [a.user_hash, b.user_hash, a.client_hash, chat_id]) expect(text).not.toContain(id);
    ca.close();
    again.close();
  });

  it('is off by default', async () => {
    const s = await startTestServer();
    try {
      // (/metrics then falls through to the web app's page, like any unknown path.)
      const r = await s.api('/metrics');
      expect(String(r.body)).not.toContain('omechat_connections');
    } finally {
      await s.destroy();
    }
  });
});

describe('heartbeat', () => {
  it('terminates a socket that stops answering pings, keeps one that answers', async () => {
    const s = await startTestServer({ HEARTBEAT_MS: '200' });
    try {
      const u = await signUp(s, 'hb_user', 30);
      const silent = new WebSocket(s.url.replace('http', 'ws') + '/api/v1/ws', { autoPong: false });
      const lively = new WebSocket(s.url.replace('http', 'ws') + '/api/v1/ws');
      await Promise.all([silent, lively].map((w) => new Promise((r) => w.once('open', r))));
      lively.send(JSON.stringify({ type: 'auth', client_hash: u.client_hash, access_token: u.access_token }));
      const closed = new Promise<number>((r) => silent.once('close', (code) => r(code)));
      expect(await closed).toBe(1006); // terminated, no close frame
      await new Promise((r) => setTimeout(r, 500));
      expect(lively.readyState).toBe(WebSocket.OPEN);
      lively.close();
    } finally {
      await s.destroy();
    }
  });
});
