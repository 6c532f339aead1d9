import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

/**
 * Issue 12: deleted chats and accounts leave no bytes behind in omechat.db, -wal or -shm
 * (SQLite `secure_delete` plus a TRUNCATE checkpoint after deletions; docs/security.md).
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until none of `needles` is in the data files (the chat checkpoint runs within a second). */
async function goneFromFiles(needles: string[], timeoutMs = 5000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = server.dataFilesText();
    const found = needles.filter((n) => text.includes(n));
    if (found.length === 0 || Date.now() > until) return found;
    await sleep(100);
  }
}

describe('deleted rows are gone from the database files', () => {
  it('an ended chat and a deleted account leave nothing in omechat.db, -wal or -shm', async () => {
    const { a, b, ca, cb, chat_id } = await matchedPair(
      server,
      ['erase_me_alice', 'erase_keep_bob'],
      [30, 30],
      0,
    );
    await ca.request({ type: 'prekeys.upload', bundle: b64('alice bundle'), one_time_prekeys: [] });
    // A message stored for an offline device of bob, then delivered and acknowledged.
    cb.close();
    await sleep(100);
    await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('hello bob') }],
    });
    const text = server.dataFilesText();
    for (const s of ['erase_me_alice', a.user_hash, a.client_hash, chat_id]) expect(text).toContain(s); // the scan sees them

    const bob = await WsTestClient.authed(server.url, b);
    const env = await bob.waitType('envelope');
    await bob.request({ type: 'envelope.ack', ids: [env.id] });
    await ca.request({ type: 'chat.leave', chat_id });
    expect(await goneFromFiles([chat_id])).toEqual([]);

    expect((await server.api('/api/v1/account', { method: 'DELETE', auth: a.auth })).status).toBe(204);
    // At once: the account's deletion checkpoints before it answers.
    const after = server.dataFilesText();
    for (const s of ['erase_me_alice', a.user_hash, a.client_hash, chat_id]) expect(after).not.toContain(s);
    expect(after).toContain('erase_keep_bob');
    expect(statSync(join(server.dataDir, 'omechat.db-wal')).size).toBe(0);
    bob.close();
  });
});
