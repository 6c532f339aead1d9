import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  fromBase64,
  generateDevice,
  generateIdentity,
  generatePrekeys,
  identityFromSecret,
  identityFromSecretV2,
  isV2Secret,
  toBase64,
  type DeviceKeys,
  type Identity,
} from '@omechat/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ChatMessage, ChatSummary, ClientEvents } from '../src/sdk-types.js';
import { eventWaits, waitUntil, startTestServer, type TestServer } from '@omechat/test-kit';
import { rejection } from './rejection.js';

const { collectEvents, nextEvent } = eventWaits<ClientEvents>();

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

const signIn = (
  username: string,
  secret: string,
  extra: Partial<Parameters<typeof OmeChatClient.signIn>[0]> = {},
) =>
  OmeChatClient.signIn({
    baseUrl: server.url,
    username,
    secret,
    keyStore: new MemoryKeyStore(),
    WebSocketImpl: WebSocket as never,
    ...extra,
  });

/** A device's key store written by hand: how a device of an earlier version, or a ghost, looks. */
async function handMadeDevice(
  creds: { user_hash: string; client_hash: string; access_token: string },
  username: string,
  identity: Identity,
  device: DeviceKeys,
  WebSocketImpl: unknown = WebSocket,
) {
  const keyStore = new MemoryKeyStore();
  await keyStore.write([
    { key: 'account', value: { ...creds, username, age: 30 } },
    { key: 'identity', value: identity },
    { key: 'device', value: device },
    { key: 'prekeys', value: generatePrekeys(device, 20) },
    { key: 'prekeys_uploaded', value: false },
  ]);
  return (await OmeChatClient.restore({
    baseUrl: server.url,
    keyStore,
    WebSocketImpl: WebSocketImpl as never,
  }))!;
}

async function match(a: OmeChatClient, b: OmeChatClient): Promise<string> {
  const started = nextEvent(a, 'chat.started');
  const startedB = nextEvent(b, 'chat.started');
  expect(await a.findStranger(5)).toBe('waiting');
  expect(await b.findStranger(5)).toBe('matched');
  await startedB;
  return ((await started) as ChatSummary).chat_id;
}

async function say(from: OmeChatClient, to: OmeChatClient, chat_id: string, text: string) {
  const got = nextEvent(to, 'message', (m) => (m as ChatMessage).text === text);
  await from.sendText(chat_id, text);
  return got;
}

/** Every candidate value of at least 16 chars in a text (JSON strings, tokens, hex, base64). */
function candidates(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z0-9+/=_-]{16,256}/g) ?? []);
}

describe('identity v2: the server cannot forge Alice', () => {
  it('a ghost device with every value the server stores or receives for Alice cannot read Bob nor pass as Alice', async () => {
    // Everything Alice's devices send the server: HTTP bodies and WebSocket frames.
    const sent: string[] = [];
    const recordingFetch = (async (input: string, init: RequestInit) => {
      if (init.body) sent.push(String(init.body));
      return fetch(input, init);
    }) as typeof fetch;
    class AliceSocket extends WebSocket {
      override send(data: never, ...rest: never[]) {
        sent.push(String(data));
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const alice = await OmeChatClient.createAccount(
      server.url,
      { username: 'ghost_alice', age: 30 },
      { fetchImpl: recordingFetch },
    );
    const bob = await OmeChatClient.createAccount(server.url, { username: 'ghost_bob', age: 31 });
    const a1 = await signIn('ghost_alice', alice.secret, {
      fetchImpl: recordingFetch,
      WebSocketImpl: AliceSocket as never,
    });
    const b1 = await signIn('ghost_bob', bob.secret);
    await Promise.all([a1.connect(), b1.connect()]);
    const chat_id = await match(a1, b1);
    await say(a1, b1, chat_id, 'hi bob');
    await say(b1, a1, chat_id, 'hi alice');
    const before = (await b1.safetyNumber(chat_id)).digits;

    // A real second device of Alice: Bob's chat hears of it.
    const a2 = await signIn('ghost_alice', alice.secret, {
      fetchImpl: recordingFetch,
      WebSocketImpl: AliceSocket as never,
    });
    await a2.connect();
    const devicesChanged = nextEvent(b1, 'devices-changed');
    await say(b1, a2, chat_id, 'hello second device');
    expect(await devicesChanged).toEqual({ user_hash: alice.user_hash, added: 1, removed: 0 });

    // What the server holds and received: its database files (all rows) and every request body.
    const stored = server.dataFilesText();
    const everything = stored + '\n' + sent.join('\n');
    expect(stored).toContain(alice.user_hash);
    expect(sent.some((b) => b.includes('"authenticator"'))).toBe(true);
    expect(everything).not.toContain(alice.secret);
    const aliceKey = (a1 as unknown as { keys: { identity: Identity } }).keys.identity.publicKey;
    expect(aliceKey).toBe(identityFromSecretV2(alice.secret, alice.user_hash).publicKey);
    // No value the server has is Alice's identity seed, or derives it the way v1 did.
    const values = candidates(everything);
    expect(values.size).toBeGreaterThan(50);
    for (const v of values) {
      expect(identityFromSecretV2IfValid(v, alice.user_hash)).not.toBe(aliceKey);
      if (v.length >= 32) expect(identityFromSecret(v, alice.user_hash).publicKey).not.toBe(aliceKey);
      const seed = seedOf(v);
      if (seed) expect(toBase64(ed25519.getPublicKey(seed))).not.toBe(aliceKey);
    }

    // The ghost: signs in with Alice's authenticator, as the server (or a thief of its data) could.
    const authenticator = sent.map(jsonOf).find((b) => typeof b?.authenticator === 'string')!
      .authenticator as string;
    const ghostCreds = await server.api('/api/v1/clients', {
      body: { username: 'ghost_alice', authenticator },
    });
    expect(ghostCreds.status).toBe(201);
    // Its best try at a device Bob accepts: Alice's identity key with a certificate copied from her
    // real device (it cannot sign a new one).
    const a1Device = (a1 as unknown as { keys: { device: DeviceKeys } }).keys.device;
    const forged = generateDevice(generateIdentity());
    const ghostDevice: DeviceKeys = { ...forged, userKey: aliceKey, cert: a1Device.cert };
    const ghostIdentity: Identity = { v: 1, publicKey: aliceKey, secretKey: forged.signSecretKey };
    const ghostFrames: string[] = [];
    class GhostSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        this.on('message', (d) => ghostFrames.push(String(d)));
      }
    }
    const ghost = await handMadeDevice(
      ghostCreds.body,
      'ghost_alice',
      ghostIdentity,
      ghostDevice,
      GhostSocket,
    );
    const ghostMessages = collectEvents(ghost, 'message');
    await ghost.connect();
    await waitUntil(() => ghostFrames.some((f) => f.includes('"prekeys.ok"')));

    // Bob's next message: Alice's real devices read it; Bob refused the ghost's keys.
    const bobErrors = collectEvents(b1, 'error');
    const gotA2 = nextEvent(a2, 'message', (m) => (m as ChatMessage).text === 'the next message');
    await say(b1, a1, chat_id, 'the next message');
    await gotA2;
    await waitUntil(async () => (await b1.history(chat_id)).every((m) => m.status !== 'sending'));
    expect(bobErrors.map((e) => e.code)).toContain('crypto.bad_bundle');
    expect(ghostMessages).toEqual([]);
    expect(ghostFrames.filter((f) => jsonOf(f)?.type === 'envelope')).toEqual([]);
    // Nothing changed for Bob: same safety number, no identity change.
    expect((await b1.safetyNumber(chat_id)).digits).toBe(before);

    for (const c of [a1, a2, b1, ghost]) c.close();
  });

  it('a legacy account rotates at its next sign-in; Bob sees "safety number changed" and the chat goes on', async () => {
    // An account made while the server generated secrets: the server knew `raw`, and the device
    // signed in back then derived its identity from it (v1).
    const raw = randomBytes(32).toString('hex');
    expect(isV2Secret(raw)).toBe(false);
    const acc = await server.api('/api/v1/accounts', {
      body: { username: 'old_alice', age: 30, authenticator: raw },
    });
    const oldCreds = await server.api('/api/v1/clients', {
      body: { username: 'old_alice', authenticator: raw },
    });
    expect(await server.store.markLegacySecret(acc.body.user_hash)).toBe(true);
    const v1 = identityFromSecret(raw, acc.body.user_hash);
    const aOld = await handMadeDevice(oldCreds.body, 'old_alice', v1, generateDevice(v1));
    const bob = await OmeChatClient.createAccount(server.url, { username: 'old_bob', age: 31 });
    const b1 = await signIn('old_bob', bob.secret);
    await Promise.all([aOld.connect(), b1.connect()]);
    const chat_id = await match(aOld, b1);
    await say(aOld, b1, chat_id, 'hello from the old days');
    const before = (await b1.safetyNumber(chat_id)).digits;

    // The SDK never sends a secret that fails the v2 check unless told it is an old one.
    expect((await rejection(signIn('old_alice', raw))).code).toBe('SECRET_INVALID');

    const oldSignedOut = nextEvent(aOld, 'signed-out');
    const a2 = await signIn('old_alice', raw, { legacySecret: true });
    const fresh = a2.takeRotatedSecret()!;
    expect(isV2Secret(fresh)).toBe(true);
    expect(a2.takeRotatedSecret()).toBeNull();
    expect(await oldSignedOut).toEqual({ reason: 'revoked' });

    const changed = nextEvent(b1, 'safety-number-changed');
    await a2.connect();
    await waitUntil(async () => (await a2.listChats()).some((c) => c.chat_id === chat_id && c.active));
    expect((await say(a2, b1, chat_id, 'new secret, same me')).text).toBe('new secret, same me');
    expect(await changed).toEqual({ user_hash: acc.body.user_hash });
    const after = (await b1.safetyNumber(chat_id)).digits;
    expect(after).not.toBe(before);
    expect((await a2.safetyNumber(chat_id)).digits).toBe(after);
    expect((await say(b1, a2, chat_id, 'noted')).text).toBe('noted');

    // The old secret is dead; the new one signs in anywhere and gives the same identity.
    expect((await rejection(signIn('old_alice', raw, { legacySecret: true }))).code).toBe(
      'INVALID_CREDENTIALS',
    );
    const a3 = await signIn('old_alice', fresh);
    expect(a3.takeRotatedSecret()).toBeNull();
    await a3.connect();
    await waitUntil(async () => (await a3.listChats()).some((c) => c.chat_id === chat_id && c.active));
    expect((await a3.safetyNumber(chat_id)).digits).toBe(after);
    await say(b1, a3, chat_id, 'hi third device');

    // Rotation on purpose ("my secret may have leaked"): every other device is signed out, this one
    // is re-keyed as a new client that keeps its history, Bob is told again.
    const a2Out = nextEvent(a2, 'signed-out');
    const changedAgain = nextEvent(b1, 'safety-number-changed');
    const store3 = (a3 as unknown as { store: MemoryKeyStore }).store;
    const newest = await a3.rotateSecret(fresh);
    expect(isV2Secret(newest)).toBe(true);
    expect(await a2Out).toEqual({ reason: 'revoked' });
    const a3again = (await OmeChatClient.restore({
      baseUrl: server.url,
      keyStore: store3,
      WebSocketImpl: WebSocket as never,
    }))!;
    await a3again.connect();
    await waitUntil(async () => (await a3again.listChats()).some((c) => c.chat_id === chat_id && c.active));
    expect((await a3again.history(chat_id)).map((m) => m.text)).toContain('hi third device');
    await say(a3again, b1, chat_id, 'rotated again');
    await changedAgain;
    expect((await rejection(signIn('old_alice', fresh))).code).toBe('INVALID_CREDENTIALS');
    expect((await a3again.listDevices()).length).toBe(1);

    for (const c of [a3again, b1]) c.close();
  });
});

function jsonOf(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function identityFromSecretV2IfValid(v: string, user_hash: string): string | null {
  return isV2Secret(v) ? identityFromSecretV2(v, user_hash).publicKey : null;
}

/** A 32-byte value written as hex or base64, which could be used as an Ed25519 seed. */
function seedOf(v: string): Uint8Array | null {
  if (/^[0-9a-f]{64}$/.test(v)) return Uint8Array.from(Buffer.from(v, 'hex'));
  if (/^[A-Za-z0-9+/]{43}=$/.test(v)) return fromBase64(v, 32);
  return null;
}
