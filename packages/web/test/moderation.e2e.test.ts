import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebTestbed } from './web-testbed.js';
import { addModerator, type TestServer } from '@omechat/test-kit';
import { cspViolations, openPerson, shot, signUpInPage, type BrowserPerson } from './browser-person.js';

/**
 * Issue 11 end to end in real Chromium: an adult who signed up as 15 meets two 15-year-olds; both
 * report him for age_lie from the web app (one chat ended, one closed by his restriction); he is
 * restricted at once; a moderator signs in to the moderation page with a token from the
 * `omechat admin` CLI, sees the verified messages and bans him for good; his open page shows the
 * ban; signing in shows the statement of reasons and the appeal form; he appeals; the moderator
 * upholds the ban and he sees the decision. Screenshots go to test-artifacts/e2e/.
 */

let server: TestServer;
let browser: Browser;
const people: BrowserPerson[] = [];

beforeAll(async () => {
  ({ server, browser } = await startWebTestbed({ SKIP_COOLDOWN_MS: '0', MODERATION_SWEEP_MS: '200' }));
});

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

async function open(name: string): Promise<BrowserPerson> {
  const p = await openPerson(browser, server.url, name);
  people.push(p);
  return p;
}

async function match(a: BrowserPerson, b: BrowserPerson) {
  await a.page.getByTestId('find-stranger').click();
  await a.page.getByTestId('waiting').waitFor();
  await b.page.getByTestId('find-stranger').click();
  for (const p of [a, b]) await p.page.getByTestId('chat-view').waitFor({ timeout: 20_000 });
}

async function say(from: BrowserPerson, to: BrowserPerson, text: string) {
  await from.page.getByTestId('composer-input').fill(text);
  await from.page.getByTestId('send-button').click();
  await to.page.locator('[data-testid="message-bubble"][data-from="them"]', { hasText: text }).waitFor();
}

/** Reports the open chat view's partner for age_lie through the dialog; returns the revealed texts. */
async function reportAgeLie(p: BrowserPerson): Promise<string[]> {
  await p.page.locator('[data-testid="chat-view"] [data-testid="chat-menu"]').click();
  await p.page.locator('[data-testid="chat-view"] [data-testid="chat-report"]').click();
  const dialog = p.page.getByTestId('report-dialog');
  await dialog.getByTestId('report-message').first().waitFor();
  const revealed = await dialog.getByTestId('report-messages').locator('li').allTextContents();
  await dialog.getByTestId('report-reason-age_lie').check();
  await shot(p, 'mod-02-report-dialog');
  await dialog.getByTestId('report-submit').click();
  await p.page.locator('[data-testid="chat-view"] [data-testid="chat-reported"]').waitFor();
  return revealed;
}

describe('moderation in the browser', () => {
  it('an adult posing as 15 is reported by two 15-year-olds, restricted, banned on the moderation page, appeals, and the ban is upheld', async () => {
    const token = await addModerator(server.dataDir, 'mod_eva');
    const liar = await open('liar');
    const kid1 = await open('kid1');
    const kid2 = await open('kid2');
    const liarSecret = await signUpInPage(liar, 'e2e_liar', 15);
    await signUpInPage(kid1, 'e2e_kid1', 15);
    await signUpInPage(kid2, 'e2e_kid2', 15);

    // He chats with the first 15-year-old, who then leaves; then with the second.
    await match(liar, kid1);
    await say(liar, kid1, 'i am 15 too, what school do you go to?');
    await say(liar, kid1, 'send me a photo of you');
    await kid1.page.getByTestId('chat-menu').click();
    await kid1.page.getByTestId('chat-leave').click();
    await kid1.page.getByTestId('confirm-leave-confirm').click();
    await liar.page.getByTestId('chat-ended-notice').waitFor();
    await liar.page.getByTestId('nav-home').click();
    await match(liar, kid2);
    await say(liar, kid2, 'hey im 15, are your parents home?');
    await shot(liar, 'mod-01-chatting');

    // The first reports the ended chat: the dialog shows exactly his two messages.
    const revealed = await reportAgeLie(kid1);
    expect(revealed).toHaveLength(2);
    expect(revealed.join('\n')).toContain('send me a photo of you');
    // He is restricted at once: a notice for him; his open chat is closed ("closed", no reason shared).
    await liar.page
      .locator('[data-testid="restriction-notice"][data-kind="restriction"]')
      .waitFor({ timeout: 15_000 });
    await kid2.page
      .locator('[data-testid="chat-ended-notice"][data-reason="closed"]')
      .waitFor({ timeout: 15_000 });
    expect(await kid2.page.getByTestId('chat-ended-notice').textContent()).toContain('closed by OmeChat');
    await shot(liar, 'mod-03-restricted');
    await shot(kid2, 'mod-03-closed');
    // The second reports the closed chat.
    expect(await reportAgeLie(kid2)).toHaveLength(1);

    // The moderator signs in with the CLI's token and sees both reports with the verified messages.
    const mod = await open('moderator');
    await mod.page.goto(`${server.url}/#/moderation`);
    await mod.page.getByTestId('mod-token').fill(token);
    await mod.page.getByTestId('mod-signin').click();
    const cards = mod.page.locator('[data-testid="report-card"][data-reason="age_lie"]');
    await cards.nth(1).waitFor({ timeout: 15_000 });
    expect(await cards.count()).toBe(2);
    const first = cards.first();
    expect(await first.getByTestId('distinct-reporters').textContent()).toBe('2');
    expect(await first.getByTestId('account-age').textContent()).toContain('15');
    expect(await first.getByTestId('account-standing').textContent()).toBe('restricted');
    const evidence = (await mod.page.getByTestId('evidence-message').allTextContents()).join('\n');
    expect(evidence).toContain('send me a photo of you');
    expect(evidence).toContain('are your parents home?');
    await first.getByTestId('note-input').fill('Two minors, same pattern: asks for photos.');
    await first.getByTestId('note-add').click();
    await first.getByTestId('notes').waitFor();
    await shot(mod, 'mod-04-queue');

    // He is banned permanently (the ladder proposes 24h: the moderator chooses permanent).
    await first.getByTestId('decision-action').selectOption('ban');
    expect(await first.getByTestId('decision-duration').inputValue()).toBe('24h');
    await first.getByTestId('decision-duration').selectOption('permanent');
    await first
      .getByTestId('decision-statement')
      .fill(
        'You told two 15-year-olds you are 15 and asked them for photos; your account says 15 but the messages show otherwise.',
      );
    await first.getByTestId('decision-submit').click();
    await mod.page.getByTestId('mod-status').waitFor();
    await shot(mod, 'mod-05-banned');

    // His open page: the socket closed with ACCOUNT_BANNED, the statement is on screen.
    await liar.page.getByTestId('banned-screen').waitFor({ timeout: 15_000 });
    expect(await liar.page.getByTestId('statement-ends').textContent()).toBe('Permanent');
    expect(await liar.page.getByTestId('statement-facts').textContent()).toContain('asked them for photos');
    await shot(liar, 'mod-06-banned-live');

    // Signing in again: the statement and the appeal form; he appeals.
    await liar.page.getByTestId('banned-done').click();
    await liar.page.getByTestId('mode-signin').click();
    await liar.page.getByTestId('signin-username').fill('e2e_liar');
    await liar.page.getByTestId('signin-secret').fill(liarSecret);
    await liar.page.getByTestId('signin-submit').click();
    await liar.page.getByTestId('banned-screen').waitFor({ timeout: 20_000 });
    await liar.page.getByTestId('statement-of-reasons').waitFor();
    await liar.page.getByTestId('appeal-text').fill('I really am 15. It was a joke.');
    await shot(liar, 'mod-07-appeal-form');
    await liar.page.getByTestId('appeal-submit').click();
    await liar.page.getByTestId('appeal-sent').waitFor();

    // The moderator upholds the ban.
    await mod.page.getByTestId('mod-tab-appeals').click();
    const appeal = mod.page.getByTestId('appeal-card');
    await appeal.waitFor();
    expect(await appeal.getByTestId('appeal-card-text').textContent()).toBe('I really am 15. It was a joke.');
    await appeal.getByTestId('appeal-uphold').check();
    await appeal.getByTestId('appeal-reason').fill('The messages leave no doubt; the ban stays.');
    await appeal.getByTestId('appeal-decide').click();
    await mod.page.getByTestId('appeals-empty').waitFor();
    await shot(mod, 'mod-08-appeal-upheld');

    // He sees the decision on his next sign-in.
    await liar.page.getByTestId('banned-done').click();
    await liar.page.getByTestId('mode-signin').click();
    await liar.page.getByTestId('signin-username').fill('e2e_liar');
    await liar.page.getByTestId('signin-secret').fill(liarSecret);
    await liar.page.getByTestId('signin-submit').click();
    const decided = liar.page.locator('[data-testid="statement-appeal"][data-status="upheld"]');
    await decided.waitFor({ timeout: 20_000 });
    expect(await decided.textContent()).toContain('the ban stays');
    await shot(liar, 'mod-09-appeal-decided');

    // Block stays available on ended chats and in the chat list.
    await kid1.page.getByTestId('nav-chats').click();
    expect(await kid1.page.locator('[data-testid="chat-list"] [data-testid="chat-blocked"]').count()).toBe(1);

    for (const p of people) {
      expect(await cspViolations(p), `${p.name} CSP`).toEqual([]);
      // The ban closes his socket and refuses sign-in (a 403 the browser logs); nothing else.
      expect(
        p.problems.filter((m) => !(p.name === 'liar' && /403|WebSocket/.test(m))),
        `${p.name} console`,
      ).toEqual([]);
      const stored = await p.page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
      expect(stored).not.toContain(liarSecret);
    }
  });
});
