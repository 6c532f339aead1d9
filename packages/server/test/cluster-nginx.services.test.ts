import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxCluster, type NginxCluster } from '@omechat/test-kit';
import { TEST_REDIS_URL } from './test-redis.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

// DESIGN §11 end to end: three real server processes on one PostgreSQL database and one Redis,
// behind a real nginx (round robin, no stickiness). Every check goes through nginx unless it needs
// a given node (then the node's own address is used, and said so).
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
let dbName: string;
let cluster: NginxCluster;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dbName = `omechat_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  cluster = await startNginxCluster(3, {
    DATABASE_URL: PG_URL.replace(/\/[^/]*$/, `/${dbName}`),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
  });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  const r = new Redis(TEST_REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
}, 60_000);

async function api(base: string, path: string, body?: unknown, auth?: string, method?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth) headers.authorization = `Bearer ${auth}`;
  const res = await fetch(base + path, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function user(name: string, age: number) {
  // The secret is made here, as the SDK does on a device; the server only sees its authenticator.
  const secret = generateSecret();
  const acc = await api(cluster.url, '/api/v1/accounts', {
    username: name,
    age,
    authenticator: authenticatorFromSecret(secret),
  });
  expect(acc.status).toBe(201);
  return {
    ...(await device(name, secret)),
    user_hash: acc.body.user_hash as string,
    secret,
  };
}

async function device(name: string, secret: string) {
  const cl = await api(cluster.url, '/api/v1/clients', {
    username: name,
    authenticator: authenticatorFromSecret(secret),
  });
  expect(cl.status).toBe(201);
  return {
    client_hash: cl.body.client_hash as string,
    access_token: cl.body.access_token as string,
    auth: `${cl.body.client_hash}.${cl.body.access_token}`,
  };
}

const send = (c: WsTestClient, chat_id: string, to: string[], text: string, msg_id = randomMsgId()) =>
  c.request({
    type: 'message.send',
    chat_id,
    msg_id,
    cf: CF,
    envelopes: to.map((t) => ({ to_client: t, ciphertext: b64(text) })),
  });

const texts = (c: WsTestClient) =>
  c.ofType('envelope').map((e) => Buffer.from(e.ciphertext, 'base64').toString());

/** Connects through nginx until the socket lands on a node other than those in `avoid`. */
async function connectAvoiding(creds: { client_hash: string; access_token: string }, avoid: number[]) {
  for (let i = 0; i < 6; i++) {
    const before = await cluster.connections();
    const c = await WsTestClient.authed(cluster.url, creds);
    const after = await cluster.connections();
    const node = after.findIndex((n, j) => n > before[j]!);
    if (node >= 0 && !avoid.includes(node)) return { c, node };
    c.close();
    await c.closed();
  }
  throw new Error('nginx never picked another node');
}

async function pair(names: [string, string]) {
  const a = await user(names[0], 30);
  const b = await user(names[1], 30);
  const ca = await connectAvoiding(a, []);
  const cb = await connectAvoiding(b, [ca.node]);
  await ca.c.request({ type: 'match.join', tolerance: 0 });
  await cb.c.request({ type: 'match.join', tolerance: 0 });
  const { chat } = await ca.c.waitType('match.found');
  await cb.c.waitType('match.found');
  return { a, b, ca: ca.c, cb: cb.c, nodeA: ca.node, nodeB: cb.node, chat_id: chat.chat_id };
}

describe('three nodes behind nginx', () => {
  it('matches users on different nodes; they chat both ways with typing and live envelopes', async () => {
    const { a, b, ca, cb, nodeA, nodeB, chat_id } = await pair(['ng_a', 'ng_b']);
    expect(nodeA).not.toBe(nodeB);
    await ca.request({ type: 'typing', chat_id, typing: true });
    expect(await cb.waitType('typing')).toMatchObject({ chat_id, user_hash: a.user_hash });
    expect(await send(ca, chat_id, [b.client_hash], 'a to b')).toMatchObject({ type: 'message.ack' });
    await cb.waitFor(() => texts(cb).includes('a to b'));
    await send(cb, chat_id, [a.client_hash], 'b to a');
    await ca.waitFor(() => texts(ca).includes('b to a'));
    ca.close();
    cb.close();
  });

  it('browse and invitations work between users on different nodes', async () => {
    const x = await user('ng_x', 22);
    const y = await user('ng_y', 23);
    const cx = await connectAvoiding(x, []);
    const cy = await connectAvoiding(y, [cx.node]);
    await cx.c.request({ type: 'availability', open: true, tolerance: 2 });
    const found = await cy.c.request({ type: 'browse', tolerance: 2 });
    expect(found).toMatchObject({ type: 'browse.result' });
    expect((found as { people: { user_hash: string }[] }).people.map((p) => p.user_hash)).toContain(
      x.user_hash,
    );
    await cy.c.request({ type: 'invite', user_hash: x.user_hash, tolerance: 2 });
    const inv = await cx.c.waitType('invite.received');
    expect(inv.from.user_hash).toBe(y.user_hash);
    expect(
      await cx.c.request({ type: 'invite.answer', invitation_id: inv.invitation_id, accept: true }),
    ).toMatchObject({ type: 'ok' });
    expect((await cy.c.waitType('chat.started')).chat.partner.user_hash).toBe(x.user_hash);
    cx.c.close();
    cy.c.close();
  });

  it('reaches every device of both users, wherever each one is connected', async () => {
    const { a, b, ca, cb, nodeA, nodeB, chat_id } = await pair(['ng_c', 'ng_d']);
    const b2 = await device('ng_d', b.secret);
    const cb2 = await connectAvoiding(b2, [nodeB]);
    const a2 = await device('ng_c', a.secret);
    const ca2 = await connectAvoiding(a2, [nodeA]);
    const ack = await send(ca, chat_id, [b.client_hash, b2.client_hash, a2.client_hash], 'to all');
    expect(ack).toMatchObject({ type: 'message.ack', missing_clients: [] });
    for (const c of [cb, cb2.c, ca2.c]) await c.waitFor(() => texts(c).includes('to all'));
    for (const c of [ca, cb, cb2.c, ca2.c]) c.close();
  });

  it('a chat ended on one node refuses sends on the others', async () => {
    const { a, b, ca, cb, nodeA, nodeB, chat_id } = await pair(['ng_e', 'ng_f']);
    // b's node has the chat cached: b sent into it.
    await send(cb, chat_id, [a.client_hash], 'warm');
    await ca.request({ type: 'chat.leave', chat_id });
    expect(await cb.waitType('chat.ended')).toMatchObject({ chat_id, reason: 'left' });
    expect(await send(cb, chat_id, [a.client_hash], 'late')).toMatchObject({ code: 'NOT_IN_CHAT' });
    // And on the third node (its own address).
    const third = [0, 1, 2].find((i) => i !== nodeA && i !== nodeB)!;
    const cb3 = await WsTestClient.authed(cluster.nodeUrl(third), b);
    expect(await send(cb3, chat_id, [a.client_hash], 'late')).toMatchObject({ code: 'NOT_IN_CHAT' });
    for (const c of [ca, cb, cb3]) c.close();
  });

  it('a revocation on one node closes the socket on another', async () => {
    const u = await user('ng_rev', 30);
    const d2 = await device('ng_rev', u.secret);
    const { c, node } = await connectAvoiding(d2, []);
    const other = (node + 1) % 3;
    const r = await api(
      cluster.nodeUrl(other),
      `/api/v1/clients/${d2.client_hash}`,
      undefined,
      u.auth,
      'DELETE',
    );
    expect(r.status).toBeLessThan(300);
    expect((await c.waitType('error')).code).toBe('UNAUTHENTICATED');
    expect(await c.closed()).toBe(4401);
  });

  it('delivers stored envelopes whichever node the recipient reconnects to, hiding none', async () => {
    const { b, ca, cb, chat_id } = await pair(['ng_g', 'ng_h']);
    cb.close();
    await cb.closed();
    const sent: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) {
        const t = `r${round} m${i}`;
        sent.push(t);
        // Stored, or pushed to a socket whose close the node had not seen yet and parked at its close.
        expect(await send(ca, chat_id, [b.client_hash], t)).toMatchObject({ type: 'message.ack' });
      }
      // Round r: the recipient comes back on node r (its own address), takes all, acks, leaves.
      const c = await WsTestClient.authed(cluster.nodeUrl(round), b);
      await c.waitType('sync.done');
      await c.waitFor(() => texts(c).length >= 2);
      expect(texts(c)).toEqual(sent.slice(round * 2));
      await c.request({ type: 'envelope.ack', ids: c.ofType('envelope').map((e) => e.id) });
      c.close();
      await c.closed();
    }
    // Once more through nginx: nothing left, nothing hidden, nothing repeated.
    const last = await WsTestClient.authed(cluster.url, b);
    await last.waitType('sync.done');
    expect(texts(last)).toEqual([]);
    last.close();
    ca.close();
  });

  it('kill -9 of a node mid-chat: its clients reconnect through nginx and lose nothing acknowledged', async () => {
    const { b, ca, cb, nodeB, chat_id } = await pair(['ng_k', 'ng_l']);
    const acked = new Set<string>();
    const received = new Set<string>();
    const ackAll = async (c: WsTestClient) => {
      const envs = c.ofType('envelope').filter((e) => !received.has(e.msg_id));
      for (const e of envs) received.add(e.msg_id);
      if (envs.length > 0)
        await c.request({ type: 'envelope.ack', ids: envs.map((e) => e.id) }).catch(() => undefined);
    };
    const sentAcked: string[] = [];
    for (let i = 0; i < 10; i++) {
      const msg_id = randomMsgId();
      const ack = await send(ca, chat_id, [b.client_hash], `k${i}`, msg_id);
      if (ack.type === 'message.ack') sentAcked.push(msg_id);
      if (i === 4) {
        await cb.waitFor(() => cb.ofType('envelope').length >= 3).catch(() => undefined);
        await ackAll(cb);
        for (const id of received) acked.add(id);
        cluster.nodes[nodeB]!.child.kill('SIGKILL');
        await cb.closed();
      }
    }
    const back = await WsTestClient.authed(cluster.url, b);
    await back.waitType('sync.done');
    await back.waitFor(() =>
      sentAcked.every((id) => received.has(id) || back.ofType('envelope').some((e) => e.msg_id === id)),
    );
    const again = back.ofType('envelope').map((e) => e.msg_id);
    // Nothing the recipient acknowledged comes back; everything the sender saw acknowledged arrives.
    expect(again.filter((id) => acked.has(id))).toEqual([]);
    expect(sentAcked.every((id) => received.has(id) || again.includes(id))).toBe(true);
    expect(sentAcked).toHaveLength(10);
    back.close();
    ca.close();
  });
});
