import { authenticatorFromSecret } from '@omechat/crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusNetwork } from '../src/core/cluster/local-bus.js';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

// Two servers in one process on one in-memory bus and one database (the SQLite file stands in for
// the shared PostgreSQL), like socket.io's cluster-adapter tests: what crosses users crosses nodes.
let dir: string;
let s1: TestServer;
let s2: TestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omechat-cluster-'));
  const busNetwork = new BusNetwork();
  s1 = await startTestServer({}, { dataDir: dir, busNetwork });
  s2 = await startTestServer({}, { dataDir: dir, busNetwork });
});
afterAll(async () => {
  await s2?.close();
  await s1?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (c: WsTestClient, chat_id: string, to: string, text: string) =>
  c.request({
    type: 'message.send',
    chat_id,
    msg_id: randomMsgId(),
    cf: CF,
    envelopes: [{ to_client: to, ciphertext: b64(text) }],
  });

const texts = (c: WsTestClient) =>
  c.ofType('envelope').map((e) => Buffer.from(e.ciphertext, 'base64').toString());

describe('two nodes on one bus', () => {
  it('carries typing, live envelopes, presence and chat.ended across nodes', async () => {
    const { a, b, ca, cb, chat_id } = await matchedPair(s1, ['cl_a', 'cl_b'], [30, 30], 0);
    cb.close();
    const cb2 = await WsTestClient.authed(s2.url, b);
    await cb2.waitType('sync.done');

    await ca.request({ type: 'typing', chat_id, typing: true });
    expect(await cb2.waitType('typing')).toMatchObject({ chat_id, user_hash: a.user_hash, typing: true });

    expect(await send(ca, chat_id, b.client_hash, 'one->two')).toMatchObject({ type: 'message.ack' });
    const env = await cb2.waitFor((f) => f.type === 'envelope' && texts(cb2).includes('one->two'));
    await cb2.request({ type: 'envelope.ack', ids: [(env as { id: string }).id] });
    await send(cb2, chat_id, a.client_hash, 'two->one');
    await ca.waitFor(() => texts(ca).includes('two->one'));

    await ca.request({ type: 'chat.leave', chat_id });
    expect(await cb2.waitType('chat.ended')).toMatchObject({ chat_id, reason: 'left' });
    // Node 2 had the chat cached (b sent into it): the end on node 1 reached that cache.
    expect(await send(cb2, chat_id, a.client_hash, 'too late')).toMatchObject({
      type: 'error',
      code: 'NOT_IN_CHAT',
    });
    ca.close();
    cb2.close();
  });

  it('never hides envelopes another node stored while the recipient was away', async () => {
    const { b, ca, cb, chat_id } = await matchedPair(s1, ['cl_c', 'cl_d'], [30, 30], 0);
    cb.close();
    // b is caught up on node 2, then leaves it (node 2 once kept an empty block for b here).
    const cb2 = await WsTestClient.authed(s2.url, b);
    await cb2.waitType('sync.done');
    cb2.close();
    await cb2.closed();
    await new Promise((r) => setTimeout(r, 50));
    for (const t of ['stored 1', 'stored 2'])
      expect(await send(ca, chat_id, b.client_hash, t)).toMatchObject({ stored: 1 });
    const again = await WsTestClient.authed(s2.url, b);
    await again.waitType('sync.done');
    expect(texts(again)).toEqual(['stored 1', 'stored 2']);
    again.close();
    ca.close();
  });

  it('closes a revoked device on the other node, and a deleted account everywhere', async () => {
    const u = await signUp(s1, 'cl_rev', 30);
    const second = await s1.api('/api/v1/clients', {
      body: { username: 'cl_rev', authenticator: authenticatorFromSecret(u.secret) },
    });
    const ws = await WsTestClient.authed(s2.url, {
      client_hash: second.body.client_hash,
      access_token: second.body.access_token,
    });
    await s1.api(`/api/v1/clients/${second.body.client_hash}`, { method: 'DELETE', auth: u.auth });
    expect((await ws.waitType('error')).code).toBe('UNAUTHENTICATED');
    expect(await ws.closed()).toBe(4401);

    const mine = await WsTestClient.authed(s2.url, u);
    await s1.api('/api/v1/account', { method: 'DELETE', auth: u.auth });
    expect(await mine.closed()).toBe(4401);
  });

  it('sends a new device of the partner, added on the other node, its copy', async () => {
    const { b, ca, cb, chat_id } = await matchedPair(s1, ['cl_e', 'cl_f'], [30, 30], 0);
    // Node 1 knows b's devices (cached); b adds a device through node 2.
    await send(ca, chat_id, b.client_hash, 'before');
    const added = await s2.api('/api/v1/clients', {
      body: { username: 'cl_f', authenticator: authenticatorFromSecret(b.secret) },
    });
    const cb2 = await WsTestClient.authed(s2.url, {
      client_hash: added.body.client_hash,
      access_token: added.body.access_token,
    });
    const ack = await send(ca, chat_id, b.client_hash, 'after');
    expect(ack).toMatchObject({ type: 'message.ack', missing_clients: [added.body.client_hash] });
    cb.close();
    cb2.close();
    ca.close();
  });
});
