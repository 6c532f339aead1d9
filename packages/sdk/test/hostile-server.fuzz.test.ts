import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDevice, generateIdentity, generatePrekeys, toBase64 } from '@omechat/crypto';
import { ERROR_CODES } from '@omechat/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import { OmeChatClient } from '../src/omechat-client.js';

/**
 * The SDK against a hostile server: a real WebSocket server that authenticates the client and then
 * sends random, malformed and schema-valid-but-meaningless frames (and answers every request with
 * junk). The client must never throw out of its handlers, must report what it dropped as typed
 * error events, and must still process the next good frame and answer its API afterwards.
 */
const hex = (c: string) => c.repeat(64);
const USER = hex('a');
const CLIENT = hex('b');
const TOKEN = 'T'.repeat(64);
const PARTNER = hex('c');

let http: Server;
let wss: WebSocketServer;
let socket: WebSocket | null = null;
/** What the next request gets as its reply (a junk frame with the request's ref), if anything. */
let replies: unknown[] = [];

beforeAll(async () => {
  http = createServer((_req, res) => res.writeHead(404).end());
  wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string; ref?: string };
      if (f.type === 'auth') {
        ws.send(
          JSON.stringify({
            type: 'auth.ok',
            ref: f.ref,
            user_hash: USER,
            client_hash: CLIENT,
            server_time: 1,
          }),
        );
        return;
      }
      if (!f.ref) return;
      const junk = replies.shift();
      const reply =
        junk && typeof junk === 'object' && !Array.isArray(junk)
          ? { ...junk, ref: f.ref }
          : { type: 'error', ref: f.ref, code: 'SERVICE_BUSY', message: 'busy', status: 503 };
      ws.send(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  await new Promise<void>((r) => http.close(() => r()));
});

const chatInfo = (chat_id: string) => ({
  chat_id,
  partner: { user_hash: PARTNER, username: 'noa', age: 16, age_band: 'minor-old' },
  created_at: 1,
  origin: 'match',
});

/** Frames that pass (or nearly pass) the schemas: the interesting ones for the handlers. */
const VALID: Record<string, unknown>[] = [
  { type: 'chat.started', chat: chatInfo('1'.repeat(32)) },
  { type: 'match.found', chat: chatInfo('2'.repeat(32)) },
  { type: 'chat.ended', chat_id: '1'.repeat(32), reason: 'left' },
  { type: 'typing', chat_id: '1'.repeat(32), user_hash: PARTNER, typing: true },
  { type: 'read', chat_id: '1'.repeat(32), user_hash: PARTNER, msg_id: '3'.repeat(32) },
  { type: 'presence', chat_id: '1'.repeat(32), user_hash: PARTNER, online: false },
  { type: 'prekeys.low', one_time_prekeys: 0, one_time_kem_prekeys: 0 },
  { type: 'invite.received', invitation_id: '4'.repeat(32), from: chatInfo('x').partner },
  { type: 'invite.declined', invitation_id: '4'.repeat(32) },
  { type: 'sync.done', pending: 3 },
  { type: 'bundles', user_hash: PARTNER, devices: [] },
  { type: 'error', code: 'UNKNOWN_FROM_THE_FUTURE', message: 'x', status: 500 },
  {
    type: 'envelope',
    id: 'e1',
    chat_id: '1'.repeat(32),
    msg_id: '5'.repeat(32),
    from_user: PARTNER,
    from_client: hex('d'),
    ts: 5,
    ciphertext: toBase64(new Uint8Array(200)),
    cf: 'A'.repeat(43) + '=',
    rf: 'A'.repeat(43) + '=',
    kid: 1,
  },
];

const mutated = fc
  .constantFrom(...VALID)
  .chain((sample) =>
    fc
      .record({ key: fc.constantFrom(...Object.keys(sample), 'ref', 'extra'), value: fc.anything() })
      .map(({ key, value }) => JSON.stringify({ ...sample, [key]: value })),
  );
const envelopeWithRandomCiphertext = fc
  .uint8Array({ minLength: 0, maxLength: 3000 })
  .map((bytes) => JSON.stringify({ ...VALID.at(-1), id: 'r1', ciphertext: toBase64(bytes) }));
const hostileFrame = fc.oneof(
  fc.string(),
  fc.json(),
  mutated,
  envelopeWithRandomCiphertext,
  fc.constantFrom(...VALID).map((v) => JSON.stringify(v)),
  fc.constant('__binary__'),
);

describe('SDK against a hostile server (fast-check)', () => {
  it('never throws, reports typed errors, and stays usable', async () => {
    const identity = generateIdentity();
    const device = generateDevice(identity);
    const store = new MemoryKeyStore();
    await store.write([
      {
        key: 'account',
        value: { user_hash: USER, client_hash: CLIENT, access_token: TOKEN, username: 'me', age: 16 },
      },
      { key: 'identity', value: identity },
      { key: 'device', value: device },
      { key: 'prekeys', value: generatePrekeys(device, 3, { kemCount: 1 }) },
      { key: 'prekeys_uploaded', value: false },
    ]);
    const port = (http.address() as AddressInfo).port;
    const client = (await OmeChatClient.restore({
      baseUrl: `http://127.0.0.1:${port}`,
      keyStore: store,
      WebSocketImpl: WebSocket as never,
    }))!;
    const codes = new Set<string>();
    client.on('error', (e) => codes.add(e.code));
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    await client.connect();

    let probe = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileFrame, { maxLength: 12 }),
        fc.array(fc.json(), { maxLength: 3 }),
        async (frames, junkReplies) => {
          replies = junkReplies.map((j) => {
            try {
              return JSON.parse(j) as unknown;
            } catch {
              return null;
            }
          });
          for (const f of frames) socket!.send(f === '__binary__' ? Buffer.from([1, 2, 3]) : f);
          // A good frame after the barrage is still handled, in order.
          const chat_id = (++probe).toString(16).padStart(32, '0');
          const seen = new Promise<void>((resolve) => {
            const off = client.on('presence', (p) => {
              if (p.chat_id !== chat_id) return;
              off();
              resolve();
            });
          });
          socket!.send(JSON.stringify({ type: 'presence', chat_id, user_hash: PARTNER, online: true }));
          await seen;
        },
      ),
      { numRuns: 60 },
    );
    replies = [];
    // Give background work (decrypt attempts, refills answered with junk) time to settle.
    await new Promise((r) => setTimeout(r, 300));
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    expect(uncaught).toEqual([]);
    expect(client.state).toBe('online');
    expect(codes.has('INVALID_SERVER_FRAME')).toBe(true);
    for (const code of codes)
      expect(code.startsWith('crypto.') || (ERROR_CODES as string[]).includes(code), code).toBe(true);
    // Still usable: its state reads fine and a valid chat start is taken in.
    expect(Array.isArray(await client.listChats())).toBe(true);
    const started = new Promise((resolve) => client.once('chat.started', resolve));
    socket!.send(JSON.stringify({ type: 'chat.started', chat: chatInfo('9'.repeat(32)) }));
    expect(await started).toMatchObject({ chat_id: '9'.repeat(32), active: true });
    client.close();
  });
});
