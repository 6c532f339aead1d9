import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

/**
 * What deletion means on PostgreSQL (docs/security.md, "Deleted data"): a deleted account or ended
 * chat is gone from every table at once (no soft delete, nothing left for any query); its bytes stay
 * in the table and index files as dead tuples until the space is reused, which plain VACUUM
 * (autovacuum) allows but does not force; VACUUM FULL rewrites the files without them. WAL segments,
 * replicas and backups are outside what the server can erase. Needs PostgreSQL with the contrib
 * extension pageinspect (to look at raw pages); fails loudly without them.
 */
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let server: TestServer;
let dbName: string;
let db: pg.Client;

beforeAll(async () => {
  dbName = `omechat_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = URL.replace(/\/[^/]*$/, `/${dbName}`);
  server = await startTestServer({ DATABASE_URL: url });
  db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
});

afterAll(async () => {
  await db?.end();
  await server?.destroy();
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

/** Every row of every table of ours, as text. */
async function allRowsText(): Promise<string> {
  const tables = (
    await db.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")
  ).rows.map((r) => r.t);
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await db.query<{ r: string }>(`SELECT x::text AS r FROM ${pg.escapeIdentifier(t)} x`);
    parts.push(...rows.rows.map((r) => r.r));
  }
  return parts.join('\n');
}

/** Which of `needles` are in a raw page of a table, index or TOAST table of ours. */
async function inRawPages(needles: string[]): Promise<string[]> {
  const rels = (
    await db.query<{ rel: string; pages: number }>(
      `SELECT c.oid::regclass::text AS rel, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c
       WHERE c.relkind IN ('r', 'i', 't')
         AND (c.relnamespace = 'public'::regnamespace
              OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace))`,
    )
  ).rows;
  const found = new Set<string>();
  for (const { rel, pages } of rels) {
    for (let blk = 0; blk < pages; blk++) {
      const page = (await db.query<{ p: Buffer }>('SELECT get_raw_page($1, $2) AS p', [rel, blk])).rows[0]!.p;
      for (const n of needles) if (page.includes(Buffer.from(n))) found.add(n);
    }
  }
  return [...found];
}

describe('deletion on PostgreSQL', () => {
  it('removes an account and a chat from every table at once, and from the files after VACUUM FULL', async () => {
    const { a, b, ca, cb, chat_id } = await matchedPair(
      server,
      ['pg_erase_alice', 'pg_keep_bob'],
      [30, 30],
      0,
    );
    cb.close();
    await new Promise((r) => setTimeout(r, 100));
    await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('hello bob') }],
    });
    const bob = await WsTestClient.authed(server.url, b);
    const env = await bob.waitType('envelope');
    await bob.request({ type: 'envelope.ack', ids: [env.id] });
    const needles = ['pg_erase_alice', a.user_hash, a.client_hash, chat_id];
    const before = await allRowsText();
    for (const n of needles) expect(before).toContain(n); // the scan sees them

    await ca.request({ type: 'chat.leave', chat_id });
    expect((await server.api('/api/v1/account', { method: 'DELETE', auth: a.auth })).status).toBe(204);

    // The promise: gone from every table, at once.
    const after = await allRowsText();
    for (const n of needles) expect(after).not.toContain(n);
    expect(after).toContain('pg_keep_bob');

    // What a delete does not do: the dead tuples are still in the files (this is why the doc does
    // not promise more). VACUUM FULL rewrites every table and index without them.
    expect((await inRawPages(needles)).length).toBeGreaterThan(0);
    await db.query('VACUUM FULL');
    await db.query('CHECKPOINT');
    expect(await inRawPages(needles)).toEqual([]);
    expect(await inRawPages(['pg_keep_bob'])).toEqual(['pg_keep_bob']); // the page scan works
    ca.close();
    bob.close();
  });
});
