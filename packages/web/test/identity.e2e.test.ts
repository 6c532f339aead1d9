import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebTestbed } from './web-testbed.js';
import { WebSocket } from 'ws';
import { isV2Secret } from '@omechat/crypto';
import { MemoryKeyStore, OmeChatClient } from '@omechat/sdk';
import type { TestServer } from '@omechat/test-kit';

/**
 * Identity v2 in real Chromium (issue 10): a legacy account signs in with its old secret and gets a
 * new one on a clear screen; the chat shows when the partner signs in on a new device and when
 * their safety number changes; "Replace your secret" in settings. The partner is the SDK in Node.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const SHOTS = join(here, '..', '..', '..', 'test-artifacts', 'e2e');

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startWebTestbed());
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

const shot = (page: Page, step: string) => page.screenshot({ path: join(SHOTS, `identity-${step}.png`) });

function sdkDevice(username: string, secret: string) {
  return OmeChatClient.signIn({
    baseUrl: server.url,
    username,
    secret,
    keyStore: new MemoryKeyStore(),
    WebSocketImpl: WebSocket as never,
  });
}

describe('identity v2 in the browser', () => {
  it('old secret -> new secret screen; partner device and safety number notices; replace your secret', async () => {
    // Dana's account was made while the server generated secrets: it knew `raw`.
    const raw = randomBytes(32).toString('hex');
    const acc = await server.api('/api/v1/accounts', {
      body: { username: 'web_dana', age: 30, authenticator: raw },
    });
    expect(await server.store.markLegacySecret(acc.body.user_hash)).toBe(true);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(server.url);

    // The old secret fails the v2 check: nothing is sent until Dana says it is her old secret.
    await page.getByTestId('mode-signin').click();
    await page.getByTestId('signin-username').fill('web_dana');
    await page.getByTestId('signin-secret').fill(raw);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('signin-error').waitFor();
    await page.getByTestId('signin-legacy').check();
    await shot(page, '01-old-secret');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('secret-rotated-note').waitFor({ timeout: 20_000 });
    const fresh = (await page.getByTestId('secret-display').textContent())!.replace(/\s+/g, '');
    expect(isV2Secret(fresh)).toBe(true);
    await shot(page, '02-new-secret');
    await page.getByTestId('secret-saved-checkbox').check();
    await page.getByTestId('secret-saved-confirm').click();
    await page.getByTestId('find-stranger').waitFor();

    // Eve (the SDK in Node) meets Dana.
    const eveAcc = await OmeChatClient.createAccount(server.url, { username: 'web_eve', age: 31 });
    const eve = await sdkDevice('web_eve', eveAcc.secret);
    await eve.connect();
    await page.getByTestId('find-stranger').click();
    await page.getByTestId('waiting').waitFor();
    expect(await eve.findStranger(5)).toBe('matched');
    await page.getByTestId('chat-view').waitFor({ timeout: 20_000 });
    const chat_id = (await eve.listChats())[0]!.chat_id;
    await eve.sendText(chat_id, 'hi dana');
    await page.locator('[data-testid="message-bubble"][data-from="them"]', { hasText: 'hi dana' }).waitFor();

    // Eve signs in on her phone and writes from there: Dana's chat says so.
    const phone = await sdkDevice('web_eve', eveAcc.secret);
    await phone.connect();
    await page.getByTestId('composer-input').fill('hello eve');
    await page.getByTestId('composer-input').press('Enter');
    await page
      .locator('[data-testid="chat-notice"][data-kind="devices-changed"]')
      .waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="chat-notice"]').first().textContent()).toContain(
      'web_eve signed in on a new device',
    );

    // Eve replaces her secret: Dana's chat says her safety number changed.
    const store = (phone as unknown as { store: MemoryKeyStore }).store;
    await phone.rotateSecret(eveAcc.secret);
    const rekeyed = (await OmeChatClient.restore({
      baseUrl: server.url,
      keyStore: store,
      WebSocketImpl: WebSocket as never,
    }))!;
    await rekeyed.connect();
    await rekeyed.sendText(chat_id, 'new secret, still me');
    await page.locator('[data-testid="message-bubble"][data-from="them"]', { hasText: 'still me' }).waitFor();
    await page.locator('[data-testid="chat-notice"][data-kind="safety-number-changed"]').waitFor();
    await shot(page, '03-notices');

    // Dana replaces her own secret in settings.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('rotate-secret-input').fill(fresh);
    await page.getByTestId('rotate-secret-submit').click();
    await page.getByTestId('secret-rotated-note').waitFor({ timeout: 20_000 });
    const newest = (await page.getByTestId('secret-display').textContent())!.replace(/\s+/g, '');
    expect(isV2Secret(newest)).toBe(true);
    expect(newest).not.toBe(fresh);
    await shot(page, '04-replaced');
    await page.getByTestId('secret-saved-checkbox').check();
    await page.getByTestId('secret-saved-confirm').click();
    await page.getByTestId('nav-chats').waitFor();
    // Old secrets are dead, the newest works.
    const signIn = (body: Record<string, string>) => server.api('/api/v1/clients', { body });
    expect((await signIn({ username: 'web_dana', legacy_secret: raw })).status).toBe(401);
    expect(problems).toEqual([]);

    for (const c of [eve, rekeyed]) c.close();
    await context.close();
  });
});
