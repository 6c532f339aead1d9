import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** One person in their own browser context, with the page's CSP violations and console errors. */
export interface BrowserPerson {
  name: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
export const SHOTS = join(here, '..', '..', '..', 'test-artifacts', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
export const DIST = join(here, '..', 'dist', 'index.html');

export async function openPerson(
  browser: Browser,
  url: string,
  name: string,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserPerson> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
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
  await page.goto(url);
  return { name, context, page, problems };
}

export async function shot(p: BrowserPerson, step: string): Promise<void> {
  await p.page.screenshot({ path: join(SHOTS, `${step}-${p.name}.png`), fullPage: true });
}

/** Signs up through the form, confirms the secret was saved, and returns the secret. */
export async function signUpInPage(p: BrowserPerson, username: string, age: number): Promise<string> {
  const { page } = p;
  await page.getByTestId('signup-username').fill(username);
  await page.getByTestId('signup-age').fill(String(age));
  await page.getByTestId('signup-submit').click();
  const secret = (await page.getByTestId('secret-display').textContent({ timeout: 20_000 }))!.replace(
    /\s/g,
    '',
  );
  expect(secret).toMatch(/^[A-Za-z0-9]{64}$/);
  await page.getByTestId('secret-saved-checkbox').check();
  await page.getByTestId('secret-saved-confirm').click();
  await page.getByTestId('find-stranger').waitFor({ timeout: 20_000 });
  await page
    .locator('[data-testid="connection-indicator"][data-state="online"]')
    .waitFor({ timeout: 20_000 });
  return secret;
}

export async function cspViolations(p: BrowserPerson): Promise<string[]> {
  return p.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}
