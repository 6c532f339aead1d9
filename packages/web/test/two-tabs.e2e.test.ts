import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './web-testbed.js';
import { WebSocket } from 'ws';
import { MemoryKeyStore, OmeChatClient, type ChatMessage } from '@omechat/sdk';
import { startTestServer, type TestServer } from '@omechat/test-kit';

/**
 * Two tabs of one account (one IndexedDB key store, one client) sending at once, in real Chromium
 * against the real server. Without the cross-tab Web Lock both tabs read the same ratchet state and
 * encrypt with the same message keys, and the partner fails to decrypt; with it, every message
 * arrives and opens.
 */
const ENTRY = fileURLToPath(new URL('./browser/two-tabs.entry.ts', import.meta.url));
const PER_TAB = 12;

let server: TestServer;
let http: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  const bundle = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    // From the packages' sources, like the web app's Vite build (no `npm run build` needed first).
    conditions: ['source'],
  });
  const js = bundle.outputFiles[0]!.text;
  http = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (req.url === '/')
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><title>tabs</title><script type="module" src="/bundle.js"></script>',
        );
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  await server?.destroy();
});

type Harness = Record<string, (...a: unknown[]) => unknown>;
function tab(page: Page) {
  return <T>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([m, a]) => (globalThis as unknown as { omechatTabs: Harness }).omechatTabs[m]!(...a), [
      method,
      args,
    ] as [string, unknown[]]) as Promise<T>;
}

async function until(check: () => Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe('two tabs of one account', () => {
  it('send at the same time and the partner decrypts every message', async () => {
    const alice = await OmeChatClient.createAccount(server.url, { username: 'tabs_alice', age: 16 });
    const bob = await OmeChatClient.createAccount(server.url, { username: 'tabs_bob', age: 16 });
    // Alice's device is made in Node (sign-in over HTTP) and its records moved into the browser.
    const made = new MemoryKeyStore();
    await OmeChatClient.signIn({
      baseUrl: server.url,
      username: 'tabs_alice',
      secret: alice.secret,
      keyStore: made,
    });
    const records: [string, unknown][] = [];
    for (const key of await made.keys('')) records.push([key, await made.get(key)]);

    const b = await OmeChatClient.signIn({
      baseUrl: server.url,
      username: 'tabs_bob',
      secret: bob.secret,
      keyStore: new MemoryKeyStore(),
      WebSocketImpl: WebSocket as never,
    });
    const bobErrors: string[] = [];
    b.on('error', (e) => bobErrors.push(e.code));
    const got: ChatMessage[] = [];
    b.on('message', (m) => got.push(m));
    await b.connect();

    const context = await browser.newContext();
    const page1 = await context.newPage();
    const problems: string[] = [];
    const watch = (p: Page) => p.on('pageerror', (e) => problems.push(e.message));
    watch(page1);
    await page1.goto(origin + '/');
    await page1.waitForFunction(() => 'omechatTabs' in globalThis);
    const t1 = tab(page1);
    await t1('seed', records);
    const account = records.find(([k]) => k === 'account')![1] as { client_hash: string };
    expect(await t1<string>('start', server.url)).toBe(account.client_hash);

    // Match Alice (tab 1) and Bob.
    expect(await t1<string>('findStranger')).toBe('waiting');
    expect(await b.findStranger(2)).toBe('matched');
    await until(async () => (await t1<string[]>('chats')).length === 1);
    const [chat_id] = await t1<string[]>('chats');

    // The second tab opens on the same store (and takes the connection over).
    const page2 = await context.newPage();
    watch(page2);
    await page2.goto(origin + '/');
    await page2.waitForFunction(() => 'omechatTabs' in globalThis);
    const t2 = tab(page2);
    await t2('start', server.url);
    await until(async () => (await t2<string[]>('chats')).includes(chat_id!));

    // Both tabs send at once.
    const texts = (n: number) => Array.from({ length: PER_TAB }, (_, i) => `tab${n} message ${i}`);
    await Promise.all([t1('send', chat_id, texts(1)), t2('send', chat_id, texts(2))]);

    await until(async () => new Set(got.map((m) => m.text)).size === 2 * PER_TAB, 90_000);
    expect(bobErrors).toEqual([]);
    expect(new Set(got.map((m) => m.text))).toEqual(new Set([...texts(1), ...texts(2)]));
    expect(new Set(got.map((m) => m.msg_id)).size).toBe(2 * PER_TAB);
    // Every message left the outbox: acknowledged by the server, in the shared history of both tabs.
    await until(async () => (await t1<string[]>('statuses', chat_id)).every((s) => s !== 'sending'));
    const statuses = await t2<string[]>('statuses', chat_id);
    expect(statuses).toHaveLength(2 * PER_TAB);
    expect(statuses.filter((s) => s === 'failed')).toEqual([]);
    for (const t of [t1, t2])
      expect((await t<string[]>('errors')).filter((c) => c.startsWith('crypto.'))).toEqual([]);

    expect(problems).toEqual([]);
    b.close();
    await context.close();
  });
});
