import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyStoreContract } from './key-store-contract.js';
import type { BrowserHarness } from './browser/indexed-db-key-store.entry.js';

// IndexedDbKeyStore in real Chromium: the shared contract plus what only a browser can show
// (non-extractable key, ciphertext at rest). IndexedDB needs a real origin, hence the http server.
const CHROMIUM = '/usr/bin/chromium';
const ENTRY = fileURLToPath(new URL('./browser/indexed-db-key-store.entry.ts', import.meta.url));

let http: Server;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Fail, never skip: a missing browser must not look like a passing suite.
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is required for e2e tests but ${CHROMIUM} does not exist`);
  const bundle = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  http = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><title>sdk e2e</title><script type="module" src="/bundle.js"></script>',
        );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await (await browser.newContext()).newPage();
  await loadHarness();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
});

async function loadHarness(): Promise<void> {
  await page.goto(origin + '/');
  await page.waitForFunction(() => 'omechatTest' in globalThis, undefined, { timeout: 30_000 });
}

/** Runs one harness method inside the page. */
function inPage<K extends keyof BrowserHarness>(
  method: K,
  ...args: Parameters<BrowserHarness[K]>
): Promise<Awaited<ReturnType<BrowserHarness[K]>>> {
  return page.evaluate(
    ([m, a]) => {
      const h = (globalThis as unknown as { omechatTest: Record<string, (...x: unknown[]) => unknown> })
        .omechatTest;
      return h[m]!(...a);
    },
    [method, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<BrowserHarness[K]>>>;
}

describe('IndexedDbKeyStore in Chromium: contract', () => {
  it('the page bundles the same contract as Node', async () => {
    expect(await inPage('contractNames')).toEqual(Object.keys(keyStoreContract));
  });
  for (const name of Object.keys(keyStoreContract)) {
    it(name, async () => {
      await inPage('contract', name);
    });
  }
});

describe('IndexedDbKeyStore in Chromium: encryption at rest', () => {
  it('keeps its AES-GCM key non-extractable (exportKey rejects)', async () => {
    expect(await inPage('keyIsNonExtractable')).toEqual({
      type: 'secret',
      extractable: false,
      algorithm: 'AES-GCM-256',
      usages: ['decrypt', 'encrypt'],
    });
  });

  it('stores only ciphertext: the raw records never contain the plaintext', async () => {
    const raw = await inPage('rawRecordsAreCiphertext');
    expect(raw.records).toBe(3);
    expect(raw.shapes).toEqual(Array(3).fill('ciphertext,iv:12:ArrayBuffer'));
    expect(raw.leaks).toBe(0);
    expect(await inPage('localStorageLength')).toBe(0);

    // The key lives in IndexedDB too, so the data survives a reload of the page.
    await loadHarness();
    expect(await inPage('readBack', raw.dbName, 'note')).toBe('PLAINTEXT-CANARY-7f3a9c');
  });

  it('binds each ciphertext to its key name', async () => {
    await inPage('swappedRecordIsRejected');
  });
});
