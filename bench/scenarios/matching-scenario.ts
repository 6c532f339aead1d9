import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import { SERVER_CORE, spawnPinned } from '../lib/spawn-pinned.js';
import type { MatchingBenchResult } from '../../packages/server/bench/matching-bench.js';
import { round } from './relay-runs.js';

const WORKER = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'load', 'matching-worker.ts');

function runWorker(waiting: number, ops: number, seed: number): Promise<MatchingBenchResult> {
  const child = spawnPinned(
    SERVER_CORE,
    ['--conditions=source', '--import', 'tsx', WORKER, JSON.stringify({ waiting, ops, seed })],
    {
      PATH: process.env.PATH ?? '',
    },
    ['ignore', 'pipe', 'pipe'],
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((ok, fail) =>
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) ok(JSON.parse(line) as MatchingBenchResult);
      else fail(new Error(`matching bench failed (${code}):\n${out}`));
    }),
  );
}

/** Scenario 4: join+match latency of the matching queue with 100k users waiting (runMatchingBench). */
export function matchingScenario(ctx: BenchContext) {
  return runMatchingScenario(ctx, 4, ctx.opts.quick ? 20_000 : 100_000);
}

/**
 * Scenario 12 (opt-in, issue 17): the same with 1,000,000 waiting (goal p99 < 100 µs per join+match).
 * Filling the queue is the long part (2-8 min here, by load): every fill join is a no-match walk.
 */
export function largeMatchingScenario(ctx: BenchContext) {
  return runMatchingScenario(ctx, 12, ctx.opts.quick ? 200_000 : 1_000_000);
}

async function runMatchingScenario(ctx: BenchContext, scenario: number, waiting: number) {
  const ops = ctx.opts.quick ? 2000 : 10_000;
  const runs: MatchingBenchResult[] = [];
  for (let r = 0; r < ctx.opts.runs; r++) {
    const res = await runWorker(waiting, ops, r + 1);
    console.log(
      `  run ${r + 1} join+match p50 ${res.joinMatchUs.p50} p99 ${res.joinMatchUs.p99} µs; ` +
        `join(no match)+leave p99 ${res.joinNoMatchLeaveUs.p99} µs (fill ${res.fillMs} ms)`,
    );
    runs.push(res);
  }
  const m = (f: (r: MatchingBenchResult) => number) => round(median(runs.map(f)), 1);
  const rows: FigureRow[] = [
    {
      scenario,
      figure: `join+match p50 (${waiting / 1000}k waiting)`,
      unit: 'µs',
      omechat: m((r) => r.joinMatchUs.p50),
    },
    {
      scenario,
      figure: `join+match p99 (${waiting / 1000}k waiting)`,
      unit: 'µs',
      omechat: m((r) => r.joinMatchUs.p99),
      ...(waiting >= 1_000_000 ? { goal: '< 100 µs', met: m((r) => r.joinMatchUs.p99) < 100 } : {}),
    },
    {
      scenario,
      figure: `join+match p99.9 (${waiting / 1000}k waiting)`,
      unit: 'µs',
      omechat: m((r) => r.joinMatchUs.p999),
    },
    {
      scenario,
      figure: `join (no match, full walk)+leave p99`,
      unit: 'µs',
      omechat: m((r) => r.joinNoMatchLeaveUs.p99),
    },
  ];
  return {
    title: `Matching queue with ${waiting} waiting users`,
    rows,
    runs,
    notes: [
      'In-process benchmark of the MatchingQueue (packages/server/bench/matching-bench.ts), pinned to the server core; no baseline (a plain relay has no matching).',
      'The no-match case is the worst case: every bucket in range walked up to the walk cap.',
    ],
  };
}
