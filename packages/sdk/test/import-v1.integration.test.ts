import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { rejection } from './rejection.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ChatMessage, ChatSummary } from '../src/sdk-types.js';
import { runImportV1 } from '@omechat/server';
import {
  clientEntries,
  startTestServer,
  userEntry,
  v1User,
  writeV1File,
  type TestServer,
} from '@omechat/test-kit';

const dir = mkdtempSync(join(tmpdir(), 'omechat-v1-sdk-'));
let server: TestServer | undefined;
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function next<T>(c: OmeChatClient, event: 'message' | 'chat.started', pred: (p: T) => boolean = () => true) {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event}`)), 15_000);
    const off = c.on(event, ((p: T) => {
      if (!pred(p)) return;
      clearTimeout(t);
      off();
      resolve(p);
    }) as never);
  });
}

describe('a user imported from v1, through the SDK', () => {
  it('signs in with the old secret, is made to rotate it, and chats end to end with another imported user', async () => {
    // Imported clients (v1 devices) have no prekey bundle: the partner's SDK must still get through.
    const ann = v1User('ann_v1', 16, 2);
    const ben = v1User('ben_v1', 17, 1, 32);
    const users = join(dir, 'user.json');
    const clients = join(dir, 'client.json');
    writeV1File(users, [ann, ben].map(userEntry));
    writeV1File(clients, [ann, ben].flatMap(clientEntries));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const data = join(dir, 'data');
    expect(
      await runImportV1(['--users', users, '--clients', clients], io, { DATA_DIR: data }, { tty: false }),
    ).toBe(0);
    expect(out.join('')).toMatch(/users: 2 read, 2 imported/);

    server = await startTestServer({}, { dataDir: data });
    const signIn = (username: string, secret: string, legacySecret?: boolean) =>
      OmeChatClient.signIn({
        baseUrl: server!.url,
        username,
        secret,
        ...(legacySecret ? { legacySecret } : {}),
        label: 'new app',
        keyStore: new MemoryKeyStore(),
        WebSocketImpl: WebSocket as never,
      });
    // The SDK sends an old secret only when told it is one; the import made both accounts legacy, so
    // signing in rotates: a new secret made on the device, shown once.
    expect((await rejection(signIn('ann_v1', ann.secret))).code).toBe('SECRET_INVALID');
    const a = await signIn('ANN_V1', ann.secret, true);
    const b = await signIn('ben_v1', ben.secret, true);
    const annSecret = a.takeRotatedSecret();
    expect(annSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(b.takeRotatedSecret()).not.toBeNull();
    // The old secret is dead now; the new one signs in as a v2 account.
    expect((await rejection(signIn('ann_v1', ann.secret, true))).code).toBe('INVALID_CREDENTIALS');
    const a2 = await signIn('ann_v1', annSecret!);
    expect(a2.takeRotatedSecret()).toBeNull();
    a2.close();
    await Promise.all([a.connect(), b.connect()]);

    const started = next<ChatSummary>(a, 'chat.started');
    expect(await a.findStranger(2)).toBe('waiting');
    expect(await b.findStranger(2)).toBe('matched');
    const chat = await started;
    expect(chat.partner).toMatchObject({ user_hash: ben.hash, username: 'ben_v1', age: 17 });

    const got = next<ChatMessage>(b, 'message', (m) => m.text === 'hello from v1');
    await a.sendText(chat.chat_id, 'hello from v1');
    expect(await got).toMatchObject({ from_me: false, text: 'hello from v1' });
    const back = next<ChatMessage>(a, 'message', (m) => m.text === 'hi ann');
    await b.sendText(chat.chat_id, 'hi ann');
    expect((await back).from_me).toBe(false);
    a.close();
    b.close();
  });
});
