import type { PrekeySet } from '@omechat/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ChatMessage, ChatSummary, ClientEvents } from '../src/sdk-types.js';
import type { DeviceSessionRecord } from '../src/device-sessions.js';
import { eventWaits, waitUntil, startTestServer, type TestServer } from '@omechat/test-kit';

const { nextEvent } = eventWaits<ClientEvents>();

/**
 * What a malicious server can try on the session layer, through the real server and SDK: replaying
 * a first message (with no one-time prekey spent) and relabelling an envelope. The test plays the
 * server's part by injecting frames into the receiving client's socket.
 */
const sockets: InjectableWebSocket[] = [];
const received: string[] = [];
class InjectableWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    sockets.push(this);
    this.on('message', (d) => received.push(String(d)));
  }
  /** Frames the "server" withholds from the client (the test releases or alters them). */
  holdIf: ((text: string) => boolean) | null = null;
  readonly held: string[] = [];
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' && this.holdIf?.(String(args[0]))) {
      this.held.push(String(args[0]));
      return true;
    }
    return super.emit(event, ...args);
  }
  /** Delivers a frame as if the server had sent it. */
  inject(frame: unknown): void {
    super.emit('message', Buffer.from(JSON.stringify(frame)), false);
  }
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

const storeOf = (c: OmeChatClient) => (c as unknown as { store: MemoryKeyStore }).store;
const socketOf = (c: OmeChatClient) =>
  sockets
    .filter((s) => s.readyState === WebSocket.OPEN && s.url.includes(':'))
    .find((s) => (s as unknown as { owner?: string }).owner === c.client_hash);

async function pair(prefix: string) {
  const alice = await OmeChatClient.createAccount(server.url, { username: `${prefix}_alice`, age: 30 });
  const bob = await OmeChatClient.createAccount(server.url, { username: `${prefix}_bob`, age: 31 });
  const a = await OmeChatClient.signIn({
    baseUrl: server.url,
    username: `${prefix}_alice`,
    secret: alice.secret,
    keyStore: new MemoryKeyStore(),
    WebSocketImpl: InjectableWebSocket as never,
  });
  const bStore = new MemoryKeyStore();
  const b = await OmeChatClient.signIn({
    baseUrl: server.url,
    username: `${prefix}_bob`,
    secret: bob.secret,
    keyStore: bStore,
    WebSocketImpl: InjectableWebSocket as never,
  });
  const before = sockets.length;
  await a.connect();
  (sockets[before] as unknown as { owner: string }).owner = a.client_hash;
  await b.connect();
  (sockets[before + 1] as unknown as { owner: string }).owner = b.client_hash;
  await waitUntil(async () => (await bStore.get<number>('prekeys_bundle_id')) !== undefined);
  // The server withholds Bob's one-time prekeys (or ran out): drain its stock before the match, so
  // first messages to Bob spend none and only the remembered handshake can stop a replay.
  for (;;) {
    const t = await server.store.takeBundle(b.client_hash);
    if (!t?.one_time_prekey && !t?.one_time_kem_prekey) break;
  }
  const p = (await bStore.get<PrekeySet>('prekeys'))!;
  const stock = { x: p.oneTimePrekeys.length, kem: p.oneTimeKemPrekeys.length };
  const started = nextEvent(a, 'chat.started');
  const startedB = nextEvent(b, 'chat.started');
  await a.findStranger(2);
  await b.findStranger(2);
  const chat: ChatSummary = await started;
  await startedB;
  return { a, b, chat_id: chat.chat_id, stock };
}

function envelopeFrames(msg_id: string) {
  return received
    .map((t) => JSON.parse(t) as { type: string; msg_id?: string })
    .filter((f) => f.type === 'envelope' && f.msg_id === msg_id) as Record<string, unknown>[];
}

describe('session layer against a malicious server', () => {
  it('a replayed first message (no one-time prekey) never makes a second session, even after a reload', async () => {
    const { a, b, chat_id, stock } = await pair('rp');
    const got = nextEvent(b, 'message', (m) => m.text === 'first');
    const sent = await a.sendText(chat_id, 'first');
    await got;
    const [original] = envelopeFrames(sent.msg_id);
    expect(original).toBeDefined();
    // No one-time prekey of either kind was spent: only the remembered handshake stops a replay.
    const pk = (await storeOf(b).get<PrekeySet>('prekeys'))!;
    expect(pk.oneTimePrekeys.length).toBe(stock.x);
    expect(pk.oneTimeKemPrekeys.length).toBe(stock.kem);
    const sessionKey = `session:${a.client_hash}`;
    // One session Alice started, perhaps one Bob started at the match: none may be added.
    const sessionsBefore = (await storeOf(b).get<DeviceSessionRecord>(sessionKey))!.list.length;

    // The server replays the first envelope as a new message (fresh envelope and message ids).
    const errors: string[] = [];
    b.on('error', (e) => errors.push(e.code));
    socketOf(b)!.inject({ ...original, id: 'replay1', msg_id: 'ab'.repeat(16) });
    await waitUntil(async () => errors.length > 0);
    expect(errors[0]).toMatch(/^crypto\.(replay|decrypt_failed)$/);
    expect((await storeOf(b).get<DeviceSessionRecord>(sessionKey))!.list).toHaveLength(sessionsBefore);

    // The conversation goes on both ways on the one session.
    const reply = nextEvent(a, 'message', (m) => m.text === 'reply');
    await b.sendText(chat_id, 'reply');
    await reply;
    const more = nextEvent(b, 'message', (m) => m.text === 'more');
    await a.sendText(chat_id, 'more');
    await more;

    // Bob's device loses the session and the stored message, and reloads: the handshake is still
    // remembered (it is persisted with the prekeys), so the exact replay is refused as a replay.
    b.close();
    const store = storeOf(b);
    await store.write([
      { key: sessionKey, delete: true },
      { key: `msg:${chat_id}:${sent.msg_id}`, delete: true },
    ]);
    const reloaded = (await OmeChatClient.restore({
      baseUrl: server.url,
      keyStore: store,
      WebSocketImpl: InjectableWebSocket as never,
    }))!;
    const before = sockets.length;
    await reloaded.connect();
    (sockets[before] as unknown as { owner: string }).owner = reloaded.client_hash;
    const replayErr = nextEvent(reloaded, 'error', (e) => e.code.startsWith('crypto.'));
    socketOf(reloaded)!.inject({ ...original, id: 'replay2' });
    expect((await replayErr).code).toBe('crypto.replay');
    expect(await store.get(sessionKey)).toBeUndefined();
    expect((await reloaded.history(chat_id)).map((m) => m.text)).not.toContain('first');
    for (const c of [a, reloaded]) c.close();
  });

  it('a relabelled envelope (other msg id) fails with a typed error; the genuine one still opens', async () => {
    const { a, b, chat_id } = await pair('rl');
    const warm = nextEvent(b, 'message', (m) => m.text === 'warm up');
    await a.sendText(chat_id, 'warm up');
    await warm;
    // The server withholds the real copy and delivers it relabelled first.
    const sock = socketOf(b)!;
    sock.holdIf = (t) => t.includes('"type":"envelope"');
    const sent = await a.sendText(chat_id, 'secret plan');
    await waitUntil(async () => sock.held.length > 0);
    sock.holdIf = null;
    const genuine = JSON.parse(sock.held[0]!) as Record<string, unknown>;
    expect(genuine.msg_id).toBe(sent.msg_id);
    const bad = nextEvent(b, 'error', (e) => e.code.startsWith('crypto.'));
    sock.inject({ ...genuine, id: 'relabel1', msg_id: 'cd'.repeat(16) });
    expect((await bad).code).toBe('crypto.decrypt_failed');
    const other = nextEvent(b, 'error', (e) => e.code.startsWith('crypto.'));
    sock.inject({ ...genuine, id: 'relabel2', chat_id: 'ef'.repeat(16) });
    expect((await other).code).toBe('crypto.decrypt_failed');
    expect((await b.history(chat_id)).map((x) => x.text)).toEqual(['warm up']);
    // The failed attempts left the ratchet as it was: the genuine copy opens.
    const got = nextEvent(b, 'message', (x) => x.text === 'secret plan');
    sock.inject(genuine);
    const m: ChatMessage = await got;
    expect(m.msg_id).toBe(sent.msg_id);
    for (const c of [a, b]) c.close();
  });
});
