import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

// The whole server on PostgreSQL (DATABASE_URL), not just the store: sign-up, matching, offline relay.
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let server: TestServer;
let dbName: string;

beforeAll(async () => {
  dbName = `omechat_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  server = await startTestServer({ DATABASE_URL: URL.replace(/\/[^/]*$/, `/${dbName}`) });
});

afterAll(async () => {
  await server?.destroy();
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

describe('the server on PostgreSQL', () => {
  it('signs up, matches, stores for an offline device and drains after a restart', async () => {
    const { b, ca, cb, chat_id } = await matchedPair(server, ['pg_alice', 'pg_bob'], [20, 21], 2);
    cb.close();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 5; i++) {
      const ack = await ca.request({
        type: 'message.send',
        chat_id,
        msg_id: randomMsgId(),
        cf: CF,
        envelopes: [{ to_client: b.client_hash, ciphertext: b64(`pg ${i}`) }],
      });
      expect(ack).toMatchObject({ type: 'message.ack', stored: 1 });
    }
    ca.close();
    server = await server.restart();
    const again = await WsTestClient.authed(server.url, b);
    await again.waitType('sync.done');
    expect(again.ofType('envelope').map((e) => Buffer.from(e.ciphertext, 'base64').toString())).toEqual(
      [0, 1, 2, 3, 4].map((i) => `pg ${i}`),
    );
    again.close();
    // Nothing was written to the SQLite data dir.
    expect(server.dataFilesText()).toBe('');
  });
});
