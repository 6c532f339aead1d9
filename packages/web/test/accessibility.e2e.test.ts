import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebTestbed } from './web-testbed.js';
import { addModerator, type TestServer } from '@omechat/test-kit';
import { SHOTS, cspViolations, openPerson, signUpInPage, type BrowserPerson } from './browser-person.js';

/**
 * Issue 18 point 4 in real Chromium: axe-core (WCAG 2.1 A/AA rules) on every screen — welcome,
 * sign-up, the secret, sign-in, home and the search, a chat, its dialogs (safety number, report,
 * Next, Leave), the chats list, settings, the moderation sign-in and queue — at 360 px and 1280 px,
 * light and dark: no serious or critical violation. Each of those 4 looks is kept as a screenshot
 * in test-artifacts/e2e/a11y-*.png. Then a whole flow by keyboard alone (Tab, Enter, Space,
 * Escape), checking that the focused control always shows a focus ring.
 */
const LOOKS = [
  { width: 360, height: 740, scheme: 'light' },
  { width: 360, height: 740, scheme: 'dark' },
  { width: 1280, height: 800, scheme: 'light' },
  { width: 1280, height: 800, scheme: 'dark' },
] as const;

let server: TestServer;
let browser: Browser;
const found: string[] = [];
let audits = 0;

beforeAll(async () => {
  ({ server, browser } = await startWebTestbed());
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

/** Runs axe on the page as it is now, in each of the four looks; records serious and critical findings. */
async function audit(p: BrowserPerson, screen: string): Promise<void> {
  const { page } = p;
  const before = page.viewportSize();
  for (const look of LOOKS) {
    await page.setViewportSize({ width: look.width, height: look.height });
    await page.emulateMedia({ colorScheme: look.scheme, reducedMotion: 'reduce' });
    const result = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    audits++;
    for (const v of result.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      const where = v.nodes
        .slice(0, 3)
        .map(
          (n) =>
            `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n')[1]?.trim()})` : ''}`,
        )
        .join('; ');
      const line = `${screen} @${look.width} ${look.scheme}: ${v.id} [${v.impact}] ${where}`;
      found.push(line);
      console.log(`axe: ${line}`);
    }
    await page.screenshot({ path: join(SHOTS, `a11y-${screen}-${look.width}-${look.scheme}.png`) });
  }
  if (before) await page.setViewportSize(before);
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
}

/** Presses Tab until the control with this test id has the focus (at most `max` times). */
async function tabTo(page: Page, testid: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    if (here === testid) {
      await expectVisibleFocus(page, testid);
      return;
    }
  }
  throw new Error(`Tab never reached ${testid}`);
}

/** The focused control draws a focus indicator (an outline or a ring), not the browser's nothing. */
async function expectVisibleFocus(page: Page, testid: string): Promise<void> {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return null;
    const s = getComputedStyle(el);
    return {
      focusVisible: el.matches(':focus-visible'),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
      shadow: s.boxShadow !== 'none',
    };
  });
  expect(ring, testid).not.toBeNull();
  expect(ring!.focusVisible, `${testid} :focus-visible`).toBe(true);
  expect(ring!.outline || ring!.shadow, `${testid} shows a focus ring`).toBe(true);
}

describe('accessibility', () => {
  it('every screen has no serious or critical axe violation at 360 and 1280 px, light and dark', async () => {
    const ada = await openPerson(browser, server.url, 'a11y-ada');
    const bo = await openPerson(browser, server.url, 'a11y-bo');

    await ada.page.getByTestId('signup-username').waitFor();
    await audit(ada, 'welcome-signup');
    await ada.page.getByTestId('mode-signin').click();
    await audit(ada, 'signin');
    await ada.page.getByTestId('mode-signup').click();

    await ada.page.getByTestId('signup-username').fill('a11y_ada');
    await ada.page.getByTestId('signup-age').fill('16');
    await ada.page.getByTestId('signup-submit').click();
    await ada.page.getByTestId('secret-display').waitFor({ timeout: 20_000 });
    await audit(ada, 'secret');
    await ada.page.getByTestId('secret-saved-checkbox').check();
    await ada.page.getByTestId('secret-saved-confirm').click();
    await ada.page.getByTestId('find-stranger').waitFor({ timeout: 20_000 });
    await audit(ada, 'home');

    await signUpInPage(bo, 'a11y_bo', 16);
    await ada.page.getByTestId('find-stranger').click();
    await ada.page.getByTestId('waiting').waitFor();
    await bo.page.getByTestId('find-stranger').click();
    for (const p of [ada, bo]) await p.page.getByTestId('chat-view').waitFor({ timeout: 20_000 });
    await bo.page.getByTestId('composer-input').fill('Hello from Bo');
    await bo.page.getByTestId('send-button').click();
    await ada.page.locator('[data-testid="message-bubble"][data-from="them"]').waitFor();
    await ada.page.getByTestId('composer-input').fill('Hi Bo');
    await ada.page.getByTestId('send-button').click();
    await ada.page.locator('[data-testid="message-bubble"][data-from="me"]').waitFor();
    await audit(ada, 'chat');

    await ada.page.getByTestId('safety-number-button').click();
    await ada.page.getByTestId('safety-number-digits').waitFor();
    await audit(ada, 'safety-number-dialog');
    await ada.page.keyboard.press('Escape');
    await ada.page.getByTestId('chat-next').click();
    await ada.page.getByTestId('confirm-next-confirm').waitFor();
    await audit(ada, 'next-dialog');
    await ada.page.keyboard.press('Escape');

    // Reporting ends the chat; the report feeds the moderators' queue below.
    await ada.page.locator('[data-testid="chat-view"] [data-testid="chat-menu"]').click();
    await ada.page.locator('[data-testid="chat-view"] [data-testid="chat-report"]').waitFor();
    await audit(ada, 'chat-menu');
    await ada.page.locator('[data-testid="chat-view"] [data-testid="chat-report"]').click();
    const dialog = ada.page.getByTestId('report-dialog');
    await dialog.getByTestId('report-message').first().waitFor();
    await dialog.getByTestId('report-reason-age_lie').check();
    await audit(ada, 'report-dialog');
    await dialog.getByTestId('report-submit').click();
    await ada.page.locator('[data-testid="chat-view"] [data-testid="chat-reported"]').waitFor();
    await bo.page.getByTestId('chat-ended-notice').waitFor({ timeout: 15_000 });
    await audit(bo, 'chat-ended');

    await ada.page.evaluate(() => (location.hash = '#/chats'));
    await ada.page.getByTestId('chat-list-item').first().waitFor();
    await audit(ada, 'chats-list');
    await ada.page.evaluate(() => (location.hash = '#/settings'));
    await ada.page.getByTestId('device-item').first().waitFor();
    await audit(ada, 'settings');

    const mod = await openPerson(browser, `${server.url}/#/moderation`, 'a11y-mod');
    await mod.page.getByTestId('mod-token').waitFor();
    await audit(mod, 'moderation-signin');
    await mod.page.getByTestId('mod-token').fill(await addModerator(server.dataDir, 'a11y_mod'));
    await mod.page.getByTestId('mod-signin').click();
    await mod.page.locator('[data-testid="report-card"]').first().waitFor({ timeout: 20_000 });
    await audit(mod, 'moderation-queue');

    expect(audits).toBe(14 * LOOKS.length);
    expect(found, found.join('\n')).toEqual([]);
    for (const p of [ada, bo, mod]) {
      expect(await cspViolations(p), `${p.name} CSP`).toEqual([]);
      await p.context.close();
    }
    // 56 axe runs of the whole rule set: about 6 s each on a shared 2-core machine, 30 s at load 30.
  }, 1_800_000);

  it('signs up, meets someone, writes and leaves with the keyboard alone, focus always visible', async () => {
    const kay = await openPerson(browser, server.url, 'kbd-kay', { width: 1280, height: 800 });
    const lou = await openPerson(browser, server.url, 'kbd-lou', { width: 1280, height: 800 });
    const { page } = kay;

    await tabTo(page, 'signup-username');
    await page.keyboard.type('kbd_kay');
    await tabTo(page, 'signup-age');
    await page.keyboard.type('40');
    await tabTo(page, 'signup-submit');
    await page.keyboard.press('Enter');
    await page.getByTestId('secret-display').waitFor({ timeout: 20_000 });
    await tabTo(page, 'secret-saved-checkbox');
    await page.keyboard.press('Space');
    await tabTo(page, 'secret-saved-confirm');
    await page.keyboard.press('Enter');
    await page.getByTestId('find-stranger').waitFor({ timeout: 20_000 });

    await signUpInPage(lou, 'kbd_lou', 41);
    await tabTo(page, 'find-stranger');
    await page.keyboard.press('Enter');
    await page.getByTestId('waiting').waitFor();
    await lou.page.getByTestId('find-stranger').click();
    await page.getByTestId('chat-view').waitFor({ timeout: 20_000 });

    await tabTo(page, 'composer-input');
    await page.keyboard.type('typed without a mouse');
    await page.keyboard.press('Enter');
    await lou.page
      .locator('[data-testid="message-bubble"][data-from="them"]', { hasText: 'typed without a mouse' })
      .waitFor({ timeout: 15_000 });

    // A dialog opened by keyboard closes with Escape and gives the focus back.
    await tabTo(page, 'safety-number-button');
    await page.keyboard.press('Enter');
    await page.getByTestId('safety-number-digits').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('safety-number-digits').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'safety-number-button',
    );

    // Leave is the last item of the chat menu: Enter opens it (focus on the first item), End moves
    // to Leave (a menu is walked with arrow keys, not Tab), Enter picks it, confirmed by keyboard.
    await tabTo(page, 'chat-menu');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('chat-leave');
    await expectVisibleFocus(page, 'chat-leave');
    await page.keyboard.press('Enter');
    await page.getByTestId('confirm-leave-confirm').waitFor();
    await tabTo(page, 'confirm-leave-confirm', 10);
    await page.keyboard.press('Enter');
    await lou.page.getByTestId('chat-ended-notice').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'a11y-keyboard-left.png') });

    for (const p of [kay, lou]) {
      expect(await cspViolations(p), `${p.name} CSP`).toEqual([]);
      expect(p.problems, `${p.name} console`).toEqual([]);
      await p.context.close();
    }
  });
});
