import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { SignupChallengeResponse } from '@omechat/protocol';
import { workerThreadSolver } from '@omechat/sdk/node';
import { loadConfig, startServer } from '@omechat/server';
import {
  DEFAULT_POW_POLICY,
  challengerAt,
  maxCounterOf,
} from '../../packages/server/bench/signup-pow-bench.js';
import type { BenchContext } from '../lib/bench-context.js';
import { REPO_DIR } from '../lib/spawn-bench-server.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';

const CHROMIUM = '/usr/bin/chromium';
const NET = 'bench-network';

/** Solves challenges in real Chromium with the web app's bundled Web Worker; returns ms per solve. */
async function chromiumSolves(challenges: SignupChallengeResponse[]): Promise<number[]> {
  const web = join(REPO_DIR, 'packages', 'web', 'dist');
  const worker = readdirSync(join(web, 'assets')).find((f) => /^pow-web-worker-.*\.js$/.test(f));
  if (!worker) throw new Error('packages/web/dist has no pow worker: run `npm run build:web` first');
  const dataDir = mkdtempSync(join(tmpdir(), 'omechat-bench-pow-'));
  const server = await startServer(
    loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEB_DIR: web }),
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const times: number[] = [];
    for (const c of challenges) {
      times.push(
        await page.evaluate(
          async ({ url, challenge, maxCounter }) => {
            const w = new Worker(url, { type: 'module' });
            const t0 = performance.now();
            await new Promise<void>((resolve, reject) => {
              w.onmessage = (e: MessageEvent<{ type: string; message?: string }>) => {
                if (e.data.type === 'done') resolve();
                if (e.data.type === 'error') reject(new Error(e.data.message));
              };
              w.postMessage({ challenge, maxCounter });
            });
            w.terminate();
            return performance.now() - t0;
          },
          { url: `/assets/${worker}`, challenge: c.challenge, maxCounter: c.max_counter },
        ),
      );
    }
    return times;
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Scenario 7: the sign-up proof of work (issue 14). Median time to solve a challenge at each
 * difficulty level in Node (worker thread, native scrypt) and in Chromium (the web app's Web
 * Worker, @noble/hashes scrypt), and what the server pays: issuing a challenge (one scrypt) and
 * verifying a solution (two HMACs and the spent-challenge check).
 */
export async function signupPowScenario(ctx: BenchContext) {
  const quick = ctx.opts.quick;
  const nodeLevels = quick ? [1, 2, 4] : [1, 2, 4, 6, 8];
  const browserLevels = quick ? [1, 2] : [1, 2, 4];
  const samples = quick ? 3 : 5;
  const rows: FigureRow[] = [];
  const runs: Record<string, unknown> = {};

  for (const level of nodeLevels) {
    const ch = challengerAt(level);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const c = await ch.issue(NET);
      const t0 = performance.now();
      await workerThreadSolver({ ...c, challenge: c.challenge! });
      times.push(performance.now() - t0);
    }
    runs[`node-${level}`] = times;
    rows.push({
      scenario: 7,
      figure: `solve, level ${level} (≤ ${maxCounterOf(level, DEFAULT_POW_POLICY)} tries), Node worker`,
      unit: 'ms',
      omechat: Math.round(median(times)),
    });
  }
  for (const level of browserLevels) {
    const ch = challengerAt(level);
    const challenges: SignupChallengeResponse[] = [];
    for (let i = 0; i < samples; i++) challenges.push(await ch.issue(NET));
    const times = await chromiumSolves(challenges);
    runs[`chromium-${level}`] = times;
    rows.push({
      scenario: 7,
      figure: `solve, level ${level} (≤ ${maxCounterOf(level, DEFAULT_POW_POLICY)} tries), Chromium Web Worker`,
      unit: 'ms',
      omechat: Math.round(median(times)),
    });
  }

  // Server cost: issue (one scrypt in deterministic mode) and verify (HMACs + spend), per call.
  const ch = challengerAt(1);
  const issued: SignupChallengeResponse[] = [];
  const issueUs: number[] = [];
  const n = quick ? 50 : 200;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    issued.push(await ch.issue(NET));
    issueUs.push((performance.now() - t0) * 1000);
  }
  const proofs = [];
  for (const c of issued.slice(0, quick ? 20 : 50))
    proofs.push(await workerThreadSolver({ ...c, challenge: c.challenge! }));
  const verifyUs: number[] = [];
  for (const p of proofs) {
    const t0 = performance.now();
    await ch.admit(p, NET);
    verifyUs.push((performance.now() - t0) * 1000);
  }
  runs.issueUs = issueUs;
  runs.verifyUs = verifyUs;
  rows.push(
    {
      scenario: 7,
      figure: 'server: issue a challenge (one scrypt)',
      unit: 'µs',
      omechat: Math.round(median(issueUs)),
    },
    { scenario: 7, figure: 'server: verify a solution', unit: 'µs', omechat: Math.round(median(verifyUs)) },
  );
  return {
    title: 'sign-up proof of work: solve time per level (Node, Chromium), server cost',
    rows,
    runs,
    notes: [
      `scrypt N=${DEFAULT_POW_POLICY.scryptCost}, r=${DEFAULT_POW_POLICY.scryptBlockSize} (${(128 * DEFAULT_POW_POLICY.scryptCost * DEFAULT_POW_POLICY.scryptBlockSize) / 1024} KiB per try); the answer is uniform below the bound, so a solve takes half the bound on average`,
    ],
  };
}
