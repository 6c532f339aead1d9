import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxCluster, type NginxCluster } from '@omechat/test-kit';
import { TEST_REDIS_URL } from './test-redis.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

// Issue 15, cross-node live delivery (docs/protocol.md "Delivery guarantees"): two real server
// processes on one PostgreSQL database and one Redis. A copy for a client connected on the other
// node travels on the bus and is never written to the store when its device acknowledges it in
// time; when that node dies before the device acknowledges, the sender's node stores the copy
// itself before the sender's `message.ack`, and the recipient gets it on the surviving node.
// Each client is connected to a given node by the node's own address.
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
let dbName: string;
let dbUrl: string;
let cluster: NginxCluster;

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dbName = `omechat_${randomBytes(5).toString('hex')}`;
  await sql(PG_URL, `CREATE DATABASE ${dbName}`);
  dbUrl = PG_URL.replace(/\/[^/]*$/, `/${dbName}`);
  cluster = await startNginxCluster(2, {
    DATABASE_URL: dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
  });
  // Counts every envelope row ever written (rows deleted again leave no trace in the table itself).
  await sql(
    dbUrl,
    `CREATE TABLE test_envelope_inserts (n BIGINT NOT NULL);
     INSERT INTO test_envelope_inserts VALUES (0);
     CREATE FUNCTION test_count_insert() RETURNS trigger AS $$
       BEGIN UPDATE test_envelope_inserts SET n = n + 1; RETURN NULL; END $$ LANGUAGE plpgsql;
     CREATE TRIGGER test_count_insert AFTER INSERT ON envelopes
       FOR EACH ROW EXECUTE FUNCTION test_count_insert();`,
  );
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await sql(PG_URL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const r = new Redis(TEST_REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  r.disconnect();
}, 60_000);

const envelopeRowsWritten = async () =>
  Number((await sql<{ n: string }>(dbUrl, 'SELECT n FROM test_envelope_inserts'))[0]!.n);
const pendingFor = async (client: string) =>
  Number(
    (
      await sql<{ n: string }>(dbUrl, 'SELECT count(*) AS n FROM envelopes WHERE recipient_client = $1', [
        client,
      ])
    )[0]!.n,
  );

async function api(path: string, body: unknown) {
  const res = await fetch(cluster.nodeUrl(0) + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, string>;
}

async function user(name: string) {
  const secret = generateSecret();
  const authenticator = authenticatorFromSecret(secret);
  const acc = await api('/api/v1/accounts', { username: name, age: 30, authenticator });
  const cl = await api('/api/v1/clients', { username: name, authenticator });
  return { user_hash: acc.user_hash!, client_hash: cl.client_hash!, access_token: cl.access_token! };
}

/** a on node 0, b on node 1, matched. */
async function pair(names: [string, string], bAcks: boolean) {
  const a = await user(names[0]);
  const b = await user(names[1]);
  const ca = (await WsTestClient.authed(cluster.nodeUrl(0), a)).autoAck();
  const cb = await WsTestClient.authed(cluster.nodeUrl(1), b);
  if (bAcks) cb.autoAck();
  await ca.request({ type: 'match.join', tolerance: 0 });
  await cb.request({ type: 'match.join', tolerance: 0 });
  const { chat } = await ca.waitType('match.found');
  await cb.waitType('match.found');
  await cb.waitType('sync.done');
  return { a, b, ca, cb, chat_id: chat.chat_id };
}

const send = (c: WsTestClient, chat_id: string, to: string, text: string, msg_id = randomMsgId()) =>
  c.request(
    { type: 'message.send', chat_id, msg_id, cf: CF, envelopes: [{ to_client: to, ciphertext: b64(text) }] },
    20_000,
  );

const texts = (c: WsTestClient) =>
  c.ofType('envelope').map((e) => Buffer.from(e.ciphertext, 'base64').toString());

describe('live delivery between two nodes on one Redis and one PostgreSQL', () => {
  it('delivers across nodes live, both ways, without writing an envelope row', async () => {
    const { a, b, ca, cb, chat_id } = await pair(['lr_a', 'lr_b'], true);
    const before = await envelopeRowsWritten();
    for (let i = 0; i < 5; i++) {
      expect(await send(ca, chat_id, b.client_hash, `a${i}`)).toMatchObject({
        type: 'message.ack',
        delivered: 1,
        partner_delivered: 1,
        stored: 0,
      });
      expect(await send(cb, chat_id, a.client_hash, `b${i}`)).toMatchObject({
        type: 'message.ack',
        delivered: 1,
        stored: 0,
      });
    }
    await cb.waitFor(() => texts(cb).length === 5);
    await ca.waitFor(() => texts(ca).length === 5);
    expect(texts(cb)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(texts(ca)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(await envelopeRowsWritten()).toBe(before);
    ca.close();
    cb.close();
  });

  it("when the recipient's node is killed before the device acks, the copy is stored before message.ack and arrives on the other node", async () => {
    const { b, ca, cb, chat_id } = await pair(['lr_c', 'lr_d'], false);
    const msg_id = randomMsgId();
    let acked = false;
    const ack = send(ca, chat_id, b.client_hash, 'across a crash', msg_id).then((f) => {
      acked = true;
      return f;
    });
    // The copy reached the device live, through the other node; nothing is stored yet.
    const env = await cb.waitType('envelope');
    expect(env.msg_id).toBe(msg_id);
    expect(await pendingFor(b.client_hash)).toBe(0);
    cluster.nodes[1]!.child.kill('SIGKILL');
    await cb.closed();
    expect(acked).toBe(false);
    // The sender's node stores the copy itself (no settlement came) and only then acknowledges.
    const frame = await ack;
    expect(frame).toMatchObject({ type: 'message.ack', msg_id, stored: 1, delivered: 0 });
    expect(await pendingFor(b.client_hash)).toBe(1);
    // The recipient reconnects to the surviving node and gets it there.
    const back = (await WsTestClient.authed(cluster.nodeUrl(0), b)).autoAck();
    await back.waitFor(() => back.ofType('envelope').some((e) => e.msg_id === msg_id));
    await back.waitType('sync.done');
    expect(texts(back)).toEqual(['across a crash']);
    back.close();
    ca.close();
  }, 60_000);
});
