import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../lib/bench-context.js';
import { PAIRS } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import { sleep } from '../lib/sleep.js';
import { LOAD_CORE, spawnPinned } from '../lib/spawn-pinned.js';
import type { RelayJob, RelayResult } from '../load/load-types.js';
import { round } from './relay-runs.js';

const STORM = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'load', 'login-storm.ts');
export const STORM_RATE = 2000;

interface StormSummary {
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  firstFailure: string;
}

/** Starts the login storm process; stop() ends it and returns its summary. */
function startStorm(url: string, username: string, authenticator: string, concurrency: number) {
  const child = spawnPinned(
    LOAD_CORE,
    ['--conditions=source', '--import', 'tsx', STORM, url, username, authenticator, String(concurrency)],
    {
      PATH: process.env.PATH ?? '',
    },
    ['ignore', 'pipe', 'pipe'],
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    async stop(): Promise<StormSummary> {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`login storm printed no summary:\n${out}`);
      return JSON.parse(line) as StormSummary;
    },
  };
}

/**
 * Scenario 6: relay latency at a fixed rate without, then with, a login storm (argon2id verifies of
 * POST /api/v1/clients back to back from another process) on the same server process.
 */
export async function loginStormScenario(ctx: BenchContext) {
  const fx = await ctx.relayFixtures();
  const lg = await ctx.loadGenerator();
  const runs: { quiet: RelayResult; storm: RelayResult; logins: StormSummary }[] = [];
  const warmupMs = ctx.opts.quick ? 1000 : 1500;
  const measureMs = ctx.opts.quick ? 3000 : 5000;
  for (let r = 0; r < ctx.opts.runs; r++) {
    const run = await ctx.withServer('omechat', { template: fx.templateDir }, async (s) => {
      const job: RelayJob = {
        type: 'relay',
        server: 'omechat',
        url: s.url,
        serverPid: s.pid,
        fixtureFile: fx.omechatFixtureFile,
        pairs: PAIRS,
        mode: { kind: 'rate', perSecond: STORM_RATE },
        warmupMs,
        measureMs,
      };
      const quiet = await lg.run<RelayResult>(job);
      const storm = startStorm(s.url, fx.storm.username, fx.storm.authenticator, 4);
      let stormed: RelayResult;
      try {
        await sleep(500);
        stormed = await lg.run<RelayResult>(job);
      } catch (e) {
        await storm.stop().catch(() => undefined); // never leave the storm process running
        throw e;
      }
      const logins = await storm.stop();
      return { quiet, storm: stormed, logins };
    });
    console.log(
      `  run ${r + 1} p99 ${run.quiet.latencyMs.p99} ms -> ${run.storm.latencyMs.p99} ms with ` +
        `${run.logins.perSecond} logins/s (${run.logins.failed} failed${run.logins.firstFailure ? ': ' + run.logins.firstFailure.slice(0, 120) : ''}); ` +
        `delivered ${run.quiet.perSecond} -> ${run.storm.perSecond} msg/s`,
    );
    runs.push(run);
  }
  const m = (f: (x: (typeof runs)[number]) => number) => round(median(runs.map(f)), 3);
  const rows: FigureRow[] = (['p50', 'p99', 'p999'] as const).map((q) => {
    const without = m((x) => x.quiet.latencyMs[q]);
    const withStorm = m((x) => x.storm.latencyMs[q]);
    const ratio = round(withStorm / without);
    return {
      scenario: 6,
      figure: `relay ${q === 'p999' ? 'p99.9' : q} @${STORM_RATE / 1000}k msg/s, login storm vs none`,
      unit: 'ms',
      omechat: withStorm,
      ratio,
      ratioOf: 'no storm',
      // Issue 17: logins cannot stall the relay.
      ...(q === 'p99' ? { goal: '<= 2x no storm', met: ratio <= 2 } : {}),
      detail: `without storm ${without} ms`,
    };
  });
  rows.push({
    scenario: 6,
    figure: 'argon2id logins during the storm',
    unit: 'logins/s',
    omechat: m((x) => x.logins.perSecond),
    detail: `delivered ${m((x) => x.storm.perSecond)} of ${STORM_RATE} msg/s; refused or failed ${m((x) => x.logins.failed)}`,
  });
  return {
    title: `Relay latency during a login storm (${STORM_RATE} msg/s, 4 concurrent logins)`,
    rows,
    runs,
    notes: [
      "argon2id runs in the server's worker processes (ARGON2_CONCURRENCY, default cores - 1 = 1 here) at ARGON2_NICE (default 19); they inherit the server core (taskset -c 0), so this is still a one-core node where the relay and argon2 share the CPU, and the lower priority decides who waits.",
    ],
  };
}
