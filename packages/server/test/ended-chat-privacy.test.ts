import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchedPair } from './matched-pair.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { CF, b64, randomMsgId } from './ws-test-client.js';

const DAY = 86_400_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ENDED_CHAT_PENDING_DAYS: '2' });
});
afterAll(async () => {
  await server?.destroy();
});

describe('privacy of ended chats', () => {
  it('what is still undelivered of an ended chat expires ENDED_CHAT_PENDING_DAYS after the end', async () => {
    const { b, ca, cb, chat_id } = await matchedPair(server, ['pen_a', 'pen_b'], [20, 21], 3);
    cb.close();
    await new Promise((r) => setTimeout(r, 200));
    const ack = await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('for later') }],
    });
    expect(ack).toMatchObject({ type: 'message.ack', stored: 1 });
    const [before] = await server.store.readEnvelopes(b.client_hash, null, 10);
    expect(before!.expires_at - Date.now()).toBeGreaterThan(29 * DAY); // the full MESSAGE_TTL_DAYS

    await ca.request({ type: 'chat.leave', chat_id });
    const endedAt = Date.now();
    const [after] = await server.store.readEnvelopes(b.client_hash, null, 10);
    expect(after!.msg_id).toBe(before!.msg_id); // still deliverable for now
    expect(after!.expires_at).toBeGreaterThan(endedAt + 2 * DAY - 60_000);
    expect(after!.expires_at).toBeLessThanOrEqual(endedAt + 2 * DAY);

    // Past that time the hourly sweep deletes it.
    expect(await server.store.deleteExpiredEnvelopes(endedAt + 2 * DAY + 1)).toBe(1);
    expect(await server.store.countEnvelopes(b.client_hash)).toBe(0);
    ca.close();
  });
});
