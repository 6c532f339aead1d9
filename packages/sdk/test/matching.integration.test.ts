import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ChatSummary } from '../src/sdk-types.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';

/** What each SDK socket received, per user, to prove who was told about whom. */
const received = new Map<string, string[]>();
function recordingFor(name: string) {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', (d) => {
        const list = received.get(name) ?? [];
        list.push(String(d));
        received.set(name, list);
      });
    }
  };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

async function user(name: string, age: number) {
  const acc = await OmeChatClient.createAccount(server.url, { username: name, age });
  const c = await OmeChatClient.signIn({
    baseUrl: server.url,
    username: name,
    secret: acc.secret,
    keyStore: new MemoryKeyStore(),
    WebSocketImpl: recordingFor(name) as never,
  });
  await c.connect();
  const chats: ChatSummary[] = [];
  c.on('chat.started', (s) => chats.push(s));
  return { c, chats, user_hash: acc.user_hash };
}

describe('matching through the real server and the SDK', () => {
  it('ages 16, 17, 18 and 30: only allowed pairs form; the 17-year-old is never told about the 18-year-old', async () => {
    const u18 = await user('sdk_eighteen', 18);
    const u30 = await user('sdk_thirty', 30);
    const u17 = await user('sdk_seventeen', 17);
    const u16 = await user('sdk_sixteen', 16);
    expect(await u18.c.findStranger(5)).toBe('waiting');
    expect(await u17.c.findStranger(5)).toBe('waiting');
    expect(await u30.c.findStranger(5)).toBe('waiting');
    expect(await u16.c.findStranger(5)).toBe('matched');
    await new Promise((r) => setTimeout(r, 500));
    expect(u16.chats.map((c) => c.partner.user_hash)).toEqual([u17.user_hash]);
    expect(u17.chats.map((c) => c.partner.user_hash)).toEqual([u16.user_hash]);
    expect(u18.chats).toEqual([]);
    expect(u30.chats).toEqual([]);

    // Browsing and inviting across the wall show and allow nothing.
    for (const u of [u16, u17, u18, u30]) await u.c.setAvailability(true, 5);
    expect((await u17.c.browse(5)).map((p) => p.user_hash)).toEqual([u16.user_hash]);
    expect((await u18.c.browse(5)).map((p) => p.user_hash)).toEqual([]);
    await expect(u18.c.invite(u17.user_hash, 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const wire17 = (received.get('sdk_seventeen') ?? []).join('\n');
    expect(wire17.length).toBeGreaterThan(0);
    expect(wire17).not.toContain(u18.user_hash);
    expect(wire17).not.toContain('sdk_eighteen');
    expect(wire17).not.toContain(u30.user_hash);

    // Next ends the chat for both; the partner sees the notice.
    const ended = new Promise((resolve) => u17.c.on('chat.ended', resolve));
    expect(await u16.c.next(u16.chats[0]!.chat_id, 2)).toBe('waiting');
    expect(await ended).toMatchObject({ chat_id: u16.chats[0]!.chat_id, reason: 'next' });
    expect((await u17.c.listChats())[0]).toMatchObject({ active: false, ended_reason: 'next' });
    for (const u of [u16, u17, u18, u30]) u.c.close();
  });

  it('a search in progress survives a server restart (the SDK re-joins the queue)', async () => {
    const w1 = await user('sdk_wait_one', 50);
    expect(await w1.c.findStranger(1)).toBe('waiting');
    const reconnected = new Promise((resolve) => w1.c.on('state', (s) => s === 'online' && resolve(s)));
    server = await server.restart({ samePort: true });
    await reconnected;
    await new Promise((r) => setTimeout(r, 300));
    const w2 = await user('sdk_wait_two', 51);
    expect(await w2.c.findStranger(1)).toBe('matched');
    await new Promise((r) => setTimeout(r, 300));
    expect(w1.chats.map((c) => c.partner.user_hash)).toEqual([w2.user_hash]);
    w1.c.close();
    w2.c.close();
  });
});
