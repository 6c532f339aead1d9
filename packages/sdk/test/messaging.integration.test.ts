import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ChatMessage, ClientEvents } from '../src/sdk-types.js';
import { eventWaits, waitUntil, startTestServer, type TestServer } from '@omechat/test-kit';

const { nextEvent } = eventWaits<ClientEvents>();

/** Every text frame any SDK socket received, to prove no plaintext ever crossed the wire. */
const wireFrames: string[] = [];
class RecordingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    this.on('message', (d) => wireFrames.push(String(d)));
  }
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

function device(username: string, secret: string, label: string) {
  return OmeChatClient.signIn({
    baseUrl: server.url,
    username,
    secret,
    label,
    keyStore: new MemoryKeyStore(),
    WebSocketImpl: RecordingWebSocket as never,
  });
}

const texts = (h: ChatMessage[]) => h.map((m) => `${m.from_me ? 'me' : 'them'}:${m.text}`);

describe('end-to-end messaging through the real server and SDK', () => {
  it('two users with two devices each: everyone decrypts, the offline device catches up across a restart', async () => {
    const alice = await OmeChatClient.createAccount(server.url, { username: 'e2e_alice', age: 16 });
    const bob = await OmeChatClient.createAccount(server.url, { username: 'e2e_bob', age: 17 });
    const a1 = await device('e2e_alice', alice.secret, 'alice laptop');
    const a2 = await device('e2e_alice', alice.secret, 'alice phone');
    const b1 = await device('e2e_bob', bob.secret, 'bob laptop');
    const b2 = await device('e2e_bob', bob.secret, 'bob phone');
    await Promise.all([a1.connect(), a2.connect(), b1.connect(), b2.connect()]);

    const started = nextEvent(a1, 'chat.started');
    const startedB = nextEvent(b1, 'chat.started');
    expect(await a1.findStranger(2)).toBe('waiting');
    expect(await b1.findStranger(2)).toBe('matched');
    const chat = await started;
    await startedB;
    expect(chat.partner).toMatchObject({ user_hash: bob.user_hash, username: 'e2e_bob', age: 17 });
    const chat_id = chat.chat_id;

    // Alice -> Bob: both of Bob's devices and Alice's other device decrypt it.
    const gotB1 = nextEvent(b1, 'message', (m) => m.text === 'hello bob');
    const gotB2 = nextEvent(b2, 'message', (m) => m.text === 'hello bob');
    const gotA2 = nextEvent(a2, 'message', (m) => m.text === 'hello bob');
    await a1.sendText(chat_id, 'hello bob');
    expect(await gotB1).toMatchObject({ chat_id, from_me: false, text: 'hello bob' });
    expect((await gotB2).from_me).toBe(false);
    expect((await gotA2).from_me).toBe(true);

    // Bob -> Alice from his phone.
    const gotA1 = nextEvent(a1, 'message', (m) => m.text === 'hi alice');
    const gotB1own = nextEvent(b1, 'message', (m) => m.text === 'hi alice');
    await b2.sendText(chat_id, 'hi alice');
    expect((await gotA1).from_me).toBe(false);
    expect((await gotB1own).from_me).toBe(true);

    // Safety numbers agree on both sides (and on every device of a user).
    const sa = await a1.safetyNumber(chat_id);
    expect(sa.digits).toMatch(/^\d{60}$/);
    expect(sa.groups).toHaveLength(12);
    expect((await b1.safetyNumber(chat_id)).digits).toBe(sa.digits);
    expect((await a2.safetyNumber(chat_id)).digits).toBe(sa.digits);

    // Bob's phone goes offline; Alice sends many messages; the server restarts in between.
    await waitUntil(async () => (await b2.history(chat_id)).every((m) => m.status !== 'sending'));
    b2.close();
    for (let i = 0; i < 20; i++) await a1.sendText(chat_id, `offline ${i}`);
    await waitUntil(async () => (await a1.history(chat_id)).every((m) => m.status !== 'sending'));
    for (const c of [a1, a2, b1]) c.close();
    server = await server.restart();
    // The restarted server has a new port: sign the same key stores in again at the new address.
    const b2again = await OmeChatClient.restore({
      baseUrl: server.url,
      keyStore: (b2 as unknown as { store: MemoryKeyStore }).store,
      WebSocketImpl: RecordingWebSocket as never,
    });
    expect(b2again).not.toBeNull();
    await b2again!.connect();
    await waitUntil(async () => (await b2again!.history(chat_id)).length === 22);
    const history = texts(await b2again!.history(chat_id));
    expect(history).toEqual([
      'them:hello bob',
      'me:hi alice',
      ...Array.from({ length: 20 }, (_, i) => `them:offline ${i}`),
    ]);
    b2again!.close();
  });

  it('keeps working when the partner revokes a device (stale sessions are dropped, the message re-encrypted)', async () => {
    const al = await OmeChatClient.createAccount(server.url, { username: 'rv_alice', age: 40 });
    const bo = await OmeChatClient.createAccount(server.url, { username: 'rv_bob', age: 41 });
    const a = await device('rv_alice', al.secret, 'a');
    const b1 = await device('rv_bob', bo.secret, 'b1');
    const b2 = await device('rv_bob', bo.secret, 'b2');
    await Promise.all([a.connect(), b1.connect(), b2.connect()]);
    const s = nextEvent(a, 'chat.started');
    await a.findStranger(2);
    await b1.findStranger(2);
    const { chat_id } = await s;
    const first = nextEvent(b2, 'message', (m) => m.text === 'before');
    await a.sendText(chat_id, 'before');
    await first;
    await b1.revokeDevice(b2.client_hash);
    const after = nextEvent(b1, 'message', (m) => m.text === 'after revoke');
    await a.sendText(chat_id, 'after revoke');
    expect((await after).text).toBe('after revoke');
    await waitUntil(async () => (await a.history(chat_id)).every((m) => m.status !== 'sending'));
    expect((await a.history(chat_id)).map((m) => m.status)).not.toContain('failed');
    for (const c of [a, b1]) c.close();
  });

  it('a canary plaintext never reaches the database files, the logs or any frame on the wire', async () => {
    const canary = `CANARY-${crypto.randomUUID()}`;
    const u1 = await OmeChatClient.createAccount(server.url, { username: 'canary_one', age: 30 });
    const u2 = await OmeChatClient.createAccount(server.url, { username: 'canary_two', age: 31 });
    const u3 = await OmeChatClient.createAccount(server.url, { username: 'canary_third', age: 30 });
    const c1 = await device('canary_one', u1.secret, 'one');
    const c2 = await device('canary_two', u2.secret, 'two');
    // A third client, online the whole time but in no chat with either.
    const c3 = await device('canary_third', u3.secret, 'three');
    const thirdFrames: unknown[] = [];
    await Promise.all([c1.connect(), c2.connect(), c3.connect()]);
    c3.on('message', (m) => thirdFrames.push(m));
    const s = nextEvent(c1, 'chat.started');
    await c1.findStranger(3);
    await c2.findStranger(3);
    const { chat_id } = await s;
    const got = nextEvent(c2, 'message', (m) => m.text === canary);
    await c1.sendText(chat_id, canary);
    expect((await got).text).toBe(canary);
    // And once more while the recipient is offline, so it sits in the store.
    c2.close();
    await c1.sendText(chat_id, `${canary} stored`);
    await waitUntil(async () => (await c1.history(chat_id)).every((m) => m.status !== 'sending'));
    expect(await server.store.countEnvelopes(c2.client_hash)).toBeGreaterThan(0);

    expect(thirdFrames).toEqual([]);
    expect(wireFrames.length).toBeGreaterThan(0);
    expect(wireFrames.join('\n')).not.toContain(canary);
    expect(server.dataFilesText()).not.toContain(canary);
    expect(server.logs.join('')).not.toContain(canary);
    // Sanity: the grep would see a plaintext if it were there.
    expect(server.dataFilesText()).toContain(c1.client_hash);
    c1.close();
    c3.close();
  });
});
