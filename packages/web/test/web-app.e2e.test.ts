import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebTestbed } from './web-testbed.js';
import type { TestServer } from '@omechat/test-kit';

/**
 * The web app in real Chromium against the real server: two minors (16 and 17) find each other,
 * chat both ways with typing and read state, compare safety numbers, one presses Next; an adult
 * searching at the same time is never matched with either. Run by `npm run test:e2e` (which builds
 * packages/web first). Screenshots of every step go to test-artifacts/e2e/.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const SHOTS = join(here, '..', '..', '..', 'test-artifacts', 'e2e');

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
}

let server: TestServer;
let browser: Browser;
const people: Person[] = [];

beforeAll(async () => {
  ({ server, browser } = await startWebTestbed());
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

async function open(name: string, viewport: { width: number; height: number }): Promise<Person> {
  const context = await browser.newContext({ viewport, colorScheme: name === 'bob' ? 'dark' : 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  // CSP violations are events in the page; record them where the test can read them.
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  const p = { name, context, page, problems };
  people.push(p);
  return p;
}

async function shot(p: Person, step: string) {
  await p.page.screenshot({ path: join(SHOTS, `${step}-${p.name}.png`) });
}

async function signUp(p: Person, username: string, age: number) {
  const { page } = p;
  await page.getByTestId('signup-username').fill(username);
  await page.getByTestId('signup-age').fill(String(age));
  await shot(p, '01-signup');
  await page.getByTestId('signup-submit').click();
  const secret = (await page.getByTestId('secret-display').textContent({ timeout: 20_000 }))!.replace(
    /\s/g,
    '',
  );
  expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
  await shot(p, '02-secret');
  await page.getByTestId('secret-saved-checkbox').check();
  await page.getByTestId('secret-saved-confirm').click();
  await page.getByTestId('find-stranger').waitFor({ timeout: 20_000 });
  await page
    .locator('[data-testid="connection-indicator"][data-state="online"]')
    .waitFor({ timeout: 20_000 });
  return secret;
}

async function cspViolations(p: Person): Promise<string[]> {
  return p.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

describe('OmeChat in the browser', () => {
  it('two minors meet and chat end to end; the adult never meets them', async () => {
    const alice = await open('alice', { width: 1280, height: 800 }); // desktop
    const bob = await open('bob', { width: 390, height: 844 }); // phone
    const carol = await open('carol', { width: 1280, height: 800 }); // the adult
    await signUp(alice, 'web_alice', 16);
    await signUp(bob, 'web_bob', 17);
    await signUp(carol, 'web_carol', 30);
    for (const p of [alice, bob, carol]) await shot(p, '03-home');
    expect(await alice.page.getByTestId('minor-note').isVisible()).toBe(true);

    // The adult searches first, so a broken queue would pair her with a minor.
    await carol.page.getByTestId('find-stranger').click();
    await carol.page.getByTestId('waiting').waitFor();
    await alice.page.getByTestId('find-stranger').click();
    await alice.page.getByTestId('waiting').waitFor();
    await shot(alice, '04-waiting');
    await bob.page.getByTestId('find-stranger').click();
    for (const p of [alice, bob]) await p.page.getByTestId('chat-view').waitFor({ timeout: 20_000 });
    for (const p of [alice, bob]) await shot(p, '05-matched');

    // Typing, then a message each way.
    await alice.page.getByTestId('composer-input').fill('Hi, I am Alice');
    await bob.page.getByTestId('typing-indicator').waitFor({ timeout: 10_000 });
    await shot(bob, '06-typing');
    await alice.page.getByTestId('send-button').click();
    await bob.page
      .locator('[data-testid="message-bubble"][data-from="them"]', { hasText: 'Hi, I am Alice' })
      .waitFor();
    await bob.page.getByTestId('composer-input').fill('Hello Alice, Bob here');
    await bob.page.getByTestId('composer-input').press('Enter');
    await alice.page
      .locator('[data-testid="message-bubble"][data-from="them"]', { hasText: 'Bob here' })
      .waitFor();
    // Each side has the other's message open, so both of their own messages reach "read".
    await alice.page
      .locator('[data-testid="message-bubble"][data-from="me"][data-status="read"]')
      .waitFor({ timeout: 15_000 });
    await bob.page
      .locator('[data-testid="message-bubble"][data-from="me"][data-status="read"]')
      .waitFor({ timeout: 15_000 });
    for (const p of [alice, bob]) await shot(p, '07-messages');

    // Safety numbers: 60 digits, equal on both sides, with a QR code.
    const digits: string[] = [];
    for (const p of [alice, bob]) {
      await p.page.getByTestId('safety-number-button').click();
      const el = p.page.getByTestId('safety-number-digits');
      await el.waitFor();
      digits.push((await el.getAttribute('data-digits'))!);
      expect(await p.page.getByTestId('safety-number-qr').isVisible()).toBe(true);
      await shot(p, '08-safety-number');
      await p.page.keyboard.press('Escape');
    }
    expect(digits[0]).toMatch(/^\d{60}$/);
    expect(digits[1]).toBe(digits[0]);

    // A reload keeps Bob signed in with a readable history (decrypted from IndexedDB).
    await bob.page.reload();
    await bob.page
      .locator('[data-testid="connection-indicator"][data-state="online"]')
      .waitFor({ timeout: 20_000 });
    if (!(await bob.page.getByTestId('chat-view').isVisible()))
      await bob.page.getByTestId('nav-chats').click();
    if (!(await bob.page.getByTestId('chat-view').isVisible()))
      await bob.page.getByTestId('chat-list-item').first().click();
    await bob.page
      .locator('[data-testid="message-bubble"]', { hasText: 'Hi, I am Alice' })
      .waitFor({ timeout: 20_000 });
    await shot(bob, '09-after-reload');

    // Alice presses Next: Bob sees the notice and can no longer write.
    await alice.page.getByTestId('chat-next').click();
    await alice.page.getByTestId('confirm-next-confirm').click();
    await bob.page.getByTestId('chat-ended-notice').waitFor({ timeout: 15_000 });
    expect(await bob.page.getByTestId('composer-input').isDisabled()).toBe(true);
    for (const p of [alice, bob]) await shot(p, '10-next');

    // The adult was never matched: still waiting, no chats.
    expect(await carol.page.getByTestId('waiting').isVisible()).toBe(true);
    await carol.page.getByTestId('nav-chats').click();
    expect(await carol.page.getByTestId('chat-list-item').count()).toBe(0);
    await shot(carol, '11-adult-still-waiting');

    // No CSP violations and no console errors anywhere, and nothing secret in localStorage.
    for (const p of people) {
      expect(await cspViolations(p), `${p.name} CSP`).toEqual([]);
      expect(p.problems, `${p.name} console`).toEqual([]);
      const stored = await p.page.evaluate(() => JSON.stringify(localStorage));
      expect(stored).not.toMatch(/[A-Za-z0-9]{64}/);
    }
  });

  it('reconnects by itself after the server restarts, and a message written meanwhile arrives', async () => {
    const dave = await open('dave', { width: 1280, height: 800 });
    const erin = await open('erin', { width: 390, height: 844 });
    await signUp(dave, 'web_dave', 40);
    await signUp(erin, 'web_erin', 41);
    await dave.page.getByTestId('find-stranger').click();
    await dave.page.getByTestId('waiting').waitFor();
    await erin.page.getByTestId('find-stranger').click();
    for (const p of [dave, erin]) await p.page.getByTestId('chat-view').waitFor({ timeout: 20_000 });

    // The server goes away for a few seconds; Dave writes while it is down.
    const restarted = server.restart({ samePort: true, downMs: 3000 });
    await dave.page
      .locator('[data-testid="connection-indicator"]:not([data-state="online"])')
      .waitFor({ timeout: 10_000 });
    await dave.page.getByTestId('composer-input').fill('written across a restart');
    await dave.page.getByTestId('send-button').click();
    await dave.page
      .locator('[data-testid="message-bubble"][data-from="me"][data-status="sending"]')
      .waitFor();
    await shot(dave, '12-offline-sending');
    server = await restarted;
    for (const p of [dave, erin]) {
      await p.page
        .locator('[data-testid="connection-indicator"][data-state="online"]')
        .waitFor({ timeout: 30_000 });
    }
    await erin.page
      .locator('[data-testid="message-bubble"][data-from="them"]', { hasText: 'written across a restart' })
      .waitFor({ timeout: 30_000 });
    await dave.page
      .locator(
        '[data-testid="message-bubble"][data-from="me"]:not([data-status="sending"]):not([data-status="failed"])',
      )
      .waitFor({ timeout: 30_000 });
    for (const p of [dave, erin]) await shot(p, '13-after-server-restart');
    for (const p of [dave, erin]) {
      expect(await cspViolations(p), `${p.name} CSP`).toEqual([]);
      // A refused connection while the server was down is expected; nothing else.
      expect(
        p.problems.filter((m) => !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(m)),
        `${p.name} console`,
      ).toEqual([]);
    }
  });
});
