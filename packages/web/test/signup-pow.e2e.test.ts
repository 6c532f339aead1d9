import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebTestbed } from './web-testbed.js';
import type { TestServer } from '@omechat/test-kit';

/**
 * Sign-up under raised difficulty in real Chromium: the SDK solves the server's challenge in a Web
 * Worker, the form shows a progress bar that moves, and the account is created. No CSP violation
 * (the worker is a same-origin script) and no console error.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const SHOTS = join(here, '..', '..', '..', 'test-artifacts', 'e2e');

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  // Level 6 at the production scrypt cost: a few seconds of work in the browser.
  ({ server, browser } = await startWebTestbed({ POW_MIN_LEVEL: '6' }));
});
afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe('sign-up proof of work in the browser', () => {
  it('shows a moving progress bar while the Web Worker solves the challenge, then creates the account', async () => {
    const page = await (await browser.newContext({ viewport: { width: 420, height: 860 } })).newPage();
    const problems: string[] = [];
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

    await page.getByTestId('signup-username').fill('web_pow_user');
    await page.getByTestId('signup-age').fill('19');
    await page.getByTestId('signup-submit').click();
    const bar = page.getByTestId('signup-work-bar');
    await bar.waitFor({ timeout: 20_000 });
    // The bar moves while the worker searches (progress every 100 ms), unless it found the answer at once.
    const seen = new Set<string>();
    for (let i = 0; i < 40 && (await bar.count()) > 0; i++) {
      const v = await bar.getAttribute('aria-valuenow').catch(() => null);
      if (v !== null) seen.add(v);
      if (i === 3) await page.screenshot({ path: join(SHOTS, 'pow-01-progress.png') });
      await page.waitForTimeout(100);
    }
    expect(seen.size).toBeGreaterThan(0);
    const secret = (await page.getByTestId('secret-display').textContent({ timeout: 120_000 }))!.replace(
      /\s/g,
      '',
    );
    expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
    await page.screenshot({ path: join(SHOTS, 'pow-02-secret.png') });
    expect(await page.getByTestId('signup-work').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
