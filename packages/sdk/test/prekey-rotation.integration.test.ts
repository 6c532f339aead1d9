import type { PrekeySet } from '@omechat/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ClientEvents } from '../src/sdk-types.js';
import { eventWaits, waitUntil, startTestServer, type TestServer } from '@omechat/test-kit';

const { nextEvent } = eventWaits<ClientEvents>();

/**
 * Signed prekey rotation end to end, with a fake clock on the responder: first messages made from
 * the old bundle still open during the grace period, and not after it.
 */
const DAY = 86_400_000;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

describe('signed prekey rotation through the real server', () => {
  it('the old pair opens in-flight first messages during the grace period, not after', async () => {
    const al = await OmeChatClient.createAccount(server.url, { username: 'rot_alice', age: 50 });
    const bo = await OmeChatClient.createAccount(server.url, { username: 'rot_bob', age: 50 });
    const device = (
      username: string,
      secret: string,
      keyStore = new MemoryKeyStore(),
      clock?: () => number,
    ) =>
      OmeChatClient.signIn({
        baseUrl: server.url,
        username,
        secret,
        keyStore,
        WebSocketImpl: WebSocket as never,
        ...(clock ? { clock } : {}),
      });
    let now = Date.now();
    const clock = () => now;
    const bStore = new MemoryKeyStore();
    const a1 = await device('rot_alice', al.secret);
    const a2 = await device('rot_alice', al.secret);
    let b = await device('rot_bob', bo.secret, bStore, clock);
    await Promise.all([a1.connect(), b.connect()]);
    const started = nextEvent(a1, 'chat.started');
    await a1.findStranger(2);
    await b.findStranger(2);
    const { chat_id } = await started;
    // Both of Alice's devices hold sessions made from Bob's first bundle (none used yet by a2).
    await a1.safetyNumber(chat_id);
    // a2 connects after the match and learns of the chat from the server's list.
    await a2.connect();
    await waitUntil(async () => (await a2.listChats()).some((c) => c.active));
    await a2.safetyNumber(chat_id);
    const firstSpk = (await bStore.get<PrekeySet>('prekeys'))!.signedPrekey.id;

    const restart = async () => {
      b.close();
      b = (await OmeChatClient.restore({
        baseUrl: server.url,
        keyStore: bStore,
        WebSocketImpl: WebSocket as never,
        clock,
      }))!;
    };

    // A week later (Bob offline meanwhile), a1's first message to him is still in flight.
    b.close();
    now += 7 * DAY;
    await a1.sendText(chat_id, 'sent before the rotation');
    await restart();
    const inGrace = nextEvent(b, 'message', (m) => m.text === 'sent before the rotation');
    await b.connect();
    await inGrace;
    const rotated = (await bStore.get<PrekeySet>('prekeys'))!;
    expect(rotated.signedPrekey.id).not.toBe(firstSpk);
    expect(rotated.previous?.signedPrekey.id).toBe(firstSpk);
    // The server now serves the new bundle.
    await waitUntil(async () => (await bStore.get<number>('prekeys_bundle_id')) === rotated.signedPrekey.id);

    // Another week: the grace period is over and the old pair is deleted; a2's first message,
    // still made from the old bundle, no longer opens.
    b.close();
    now += 7 * DAY;
    await a2.sendText(chat_id, 'sent from the old bundle, too late');
    await restart();
    const refused = nextEvent(b, 'error', (e) => e.code.startsWith('crypto.'));
    await b.connect();
    expect((await refused).code).toBe('crypto.unknown_prekey');
    const after = (await bStore.get<PrekeySet>('prekeys'))!;
    expect([after.signedPrekey.id, after.previous?.signedPrekey.id]).not.toContain(firstSpk);
    expect(JSON.stringify(after)).not.toContain(rotated.previous!.signedPrekey.secretKey);
    expect((await b.history(chat_id)).map((m) => m.text)).toEqual(['sent before the rotation']);
    for (const c of [a1, a2, b]) c.close();
  });
});
