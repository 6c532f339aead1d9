import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatClient } from '../src/omechat-client.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import type { ChatMessage, ChatSummary } from '../src/sdk-types.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';

let server: TestServer | undefined;
const clients: OmeChatClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.destroy();
  server = undefined;
});

async function pair(s: TestServer, prefix: string) {
  const device = async (name: string, age: number) => {
    const acc = await OmeChatClient.createAccount(s.url, { username: `${prefix}_${name}`, age });
    const c = await OmeChatClient.signIn({
      baseUrl: s.url,
      username: `${prefix}_${name}`,
      secret: acc.secret,
      keyStore: new MemoryKeyStore(),
      WebSocketImpl: WebSocket as never,
    });
    clients.push(c);
    await c.connect();
    return c;
  };
  const a = await device('a', 16);
  const b = await device('b', 16);
  const started = new Promise<ChatSummary>((r) => a.on('chat.started', r));
  expect(await a.findStranger(1)).toBe('waiting');
  expect(await b.findStranger(1)).toBe('matched');
  return { a, b, chat: await started };
}

async function until(check: () => Promise<boolean>, what: string, ms = 45_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

const received = async (c: OmeChatClient, chat_id: string) =>
  (await c.history(chat_id)).filter((m: ChatMessage) => !m.from_me).map((m) => m.text);

describe('the outbox', () => {
  it('delivers what was written during an outage once, in writing order', async () => {
    server = await startTestServer();
    const { a, b, chat } = await pair(server, 'out');
    const written = ['before 1', 'before 2'];
    for (const t of written) await a.sendText(chat.chat_id, t);
    await until(async () => (await received(b, chat.chat_id)).length === 2, 'first messages');

    const restarted = server.restart({ samePort: true, downMs: 3000 });
    await until(async () => a.state !== 'online', 'the outage is noticed', 10_000);
    for (let i = 1; i <= 30; i++) {
      written.push(`outage ${i}`);
      await a.sendText(chat.chat_id, `outage ${i}`);
    }
    server = await restarted;
    for (let i = 1; i <= 5; i++) {
      written.push(`after ${i}`);
      await a.sendText(chat.chat_id, `after ${i}`);
    }
    await until(async () => (await received(b, chat.chat_id)).length >= written.length, 'all messages');
    await until(
      async () => (await a.history(chat.chat_id)).every((m) => m.status !== 'sending'),
      'every message acknowledged',
    );
    expect(await received(b, chat.chat_id)).toEqual(written);
    // Exactly once: the history holds no duplicate msg_id either.
    const ids = (await b.history(chat.chat_id)).map((m) => m.msg_id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 90_000);

  it('sends a message refused with RATE_LIMITED again after retry_after, in order', async () => {
    server = await startTestServer({ MESSAGE_BURST: '3', MESSAGES_PER_SECOND: '2' });
    const { a, b, chat } = await pair(server, 'rl');
    const written: string[] = [];
    for (let i = 1; i <= 12; i++) {
      written.push(`burst ${i}`);
      await a.sendText(chat.chat_id, `burst ${i}`);
    }
    await until(async () => (await received(b, chat.chat_id)).length >= written.length, 'all messages');
    expect(await received(b, chat.chat_id)).toEqual(written);
    await until(
      async () => (await a.history(chat.chat_id)).every((m) => m.status !== 'sending'),
      'every message acknowledged',
    );
  }, 90_000);
});
