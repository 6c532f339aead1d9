import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { CHROMIUM, CHROMIUM_ARGS, DIST, SHOTS } from './browser-person.js';

/** Debian's Chromium, headless, with the project's flags; fails loudly when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see .ci/run)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * What every web e2e file starts with: the built web app (`npm run test:e2e` builds it), a
 * screenshot folder, a fresh server with `env`, and one browser. Close with `browser.close()` and
 * `server.destroy()`.
 */
export async function startWebTestbed(
  env: Record<string, string> = {},
  shots = SHOTS,
): Promise<{ server: TestServer; browser: Browser }> {
  if (!existsSync(DIST))
    throw new Error('packages/web/dist is missing: run `npm run build:web` (npm run test:e2e does)');
  mkdirSync(shots, { recursive: true });
  const browser = await launchChromium();
  try {
    return { server: await startTestServer(env), browser };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
