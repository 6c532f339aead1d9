import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchedPair } from './matched-pair.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { b64, CF, randomMsgId, type WsTestClient } from './ws-test-client.js';

// MLBS behaviour layer over the real server: rapid skipping earns a cooldown with a notice, and
// messages (lower on probation) and invitations per account are limited with `retry_after`.
const DAY = 86_400_000;
let t = Date.now();
const clock = { now: () => t };
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    {
      SKIP_COOLDOWN_MS: '0',
      RAPID_NEXT_COUNT: '3',
      RAPID_NEXT_WINDOW_SECONDS: '300',
      NEXT_COOLDOWN_SECONDS: '60',
      MESSAGES_PER_MINUTE_PER_ACCOUNT: '3',
      PROBATION_MESSAGES_PER_MINUTE: '2',
      PROBATION_DAYS: '1',
      PROBATION_CHATS: '0',
      PROBATION_SEPARATE_POOL: 'false',
      INVITATIONS_PER_HOUR: '2',
    },
    { clock },
  );
});
afterAll(async () => {
  await server.destroy();
});

const code = (f: { type: string; code?: string }) => (f.type === 'error' ? f.code : f.type);
const send = (ws: WsTestClient, chat_id: string, to_client: string) =>
  ws.request({
    type: 'message.send',
    chat_id,
    msg_id: randomMsgId(),
    cf: CF,
    envelopes: [{ to_client, ciphertext: b64('x') }],
  });

describe('behaviour limits', () => {
  it('rapid skipping earns a cooldown with a notice; the queue is refused until it ends', async () => {
    const p = await matchedPair(server, ['beh_skipper', 'beh_other'], [30, 30], 5);
    let chat_id = p.chat_id;
    const seen = new Set([chat_id]);
    for (let i = 1; i <= 3; i++) {
      const r = await p.ca.request({ type: 'match.next', chat_id, tolerance: 5 });
      if (i < 3) {
        expect(code(r)).toBe('match.waiting');
        await p.cb.request({ type: 'match.join', tolerance: 5 });
        const found = await p.ca.waitFor((f) => f.type === 'match.found' && !seen.has(f.chat.chat_id));
        if (found.type === 'match.found') seen.add((chat_id = found.chat.chat_id));
      } else {
        expect(r).toMatchObject({ type: 'error', code: 'NEXT_COOLDOWN', retry_after: 60 });
      }
    }
    const notice = await p.ca.waitType('cooldown');
    expect(notice).toMatchObject({ reason: 'rapid_next', until: t + 60_000 });
    expect(await server.services.matches.queue.has(p.a.user_hash)).toBe(false);
    expect(code(await p.ca.request({ type: 'match.join', tolerance: 5 }))).toBe('NEXT_COOLDOWN');
    t += 61_000;
    expect(code(await p.ca.request({ type: 'match.join', tolerance: 5 }))).toBe('match.waiting');
    p.ca.close();
    p.cb.close();
  });

  it('limits messages per account per minute, lower on probation', async () => {
    const p = await matchedPair(server, ['beh_talker', 'beh_listener'], [40, 40], 5);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(code(await send(p.ca, p.chat_id, p.b.client_hash)));
    expect(sent).toEqual(['message.ack', 'message.ack', 'RATE_LIMITED']);
    t += DAY + 61_000; // off probation (and the minute is over)
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await send(p.ca, p.chat_id, p.b.client_hash));
    expect(later.map(code)).toEqual(['message.ack', 'message.ack', 'message.ack', 'RATE_LIMITED']);
    expect((later[3] as { retry_after?: number }).retry_after).toBeGreaterThan(0);
    p.ca.close();
    p.cb.close();
  });

  it('limits invitations per account per hour', async () => {
    const p = await matchedPair(server, ['beh_inviter', 'beh_invitee'], [50, 50], 5);
    await p.ca.request({ type: 'chat.leave', chat_id: p.chat_id });
    t += DAY + 1000;
    expect(code(await p.cb.request({ type: 'availability', open: true, tolerance: 5 }))).toBe('ok');
    const invites = [];
    for (let i = 0; i < 3; i++)
      invites.push(await p.ca.request({ type: 'invite', user_hash: p.b.user_hash, tolerance: 5 }));
    expect(invites.map(code)).toEqual(['invite.sent', 'invite.sent', 'RATE_LIMITED']);
    expect((invites[2] as { retry_after?: number }).retry_after).toBeGreaterThan(0);
    p.ca.close();
    p.cb.close();
  });
});
