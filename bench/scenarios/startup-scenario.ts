import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import { procRssBytes, spawnBenchServer } from '../lib/spawn-bench-server.js';
import { round } from './relay-runs.js';

interface StartupRun {
  variant: 'built' | 'tsx';
  /** From spawn to the "OmeChat is running" line. */
  wallMs: number;
  /** utime+stime of the server process (all threads) when it is listening. */
  cpuMs: number;
  /** VmRSS when listening, and after one forced GC (the memory probe). */
  rssMiB: number;
  rssAfterGcMiB: number;
}

async function startOnce(fromSource: boolean): Promise<StartupRun> {
  const t0 = performance.now();
  const s = await spawnBenchServer('omechat', { fromSource });
  try {
    const wallMs = performance.now() - t0;
    const cpuMs = s.cpuMicros() / 1000;
    const rssMiB = procRssBytes(s.pid) / 2 ** 20;
    const rssAfterGcMiB = (await s.memory()).rss / 2 ** 20;
    return { variant: fromSource ? 'tsx' : 'built', wallMs, cpuMs, rssMiB, rssAfterGcMiB };
  } finally {
    await s.stop();
  }
}

/**
 * Scenario 8 (issue 17): the built server (`node` on dist/, what `npm start` runs) against the same
 * code through tsx (bin/omechat-dev.js, development and tests): CPU and wall time to start on a
 * fresh SQLite DATA_DIR, and RSS once listening. Both pinned to the server core, order alternated.
 */
export async function startupScenario(ctx: BenchContext) {
  const runs: StartupRun[] = [];
  const rounds = Math.max(3, ctx.opts.runs) * (ctx.opts.quick ? 1 : 2);
  for (let r = 0; r < rounds; r++) {
    for (const fromSource of r % 2 === 0 ? [false, true] : [true, false])
      runs.push(await startOnce(fromSource));
  }
  const m = (variant: StartupRun['variant'], f: (x: StartupRun) => number) =>
    round(median(runs.filter((x) => x.variant === variant).map(f)), 1);
  const figure = (figureName: string, unit: string, f: (x: StartupRun) => number): FigureRow => {
    const built = m('built', f);
    const tsx = m('tsx', f);
    return {
      scenario: 9,
      figure: figureName,
      unit,
      omechat: built,
      ratio: round(built / tsx),
      ratioOf: 'tsx',
      detail: `tsx ${tsx} ${unit}`,
    };
  };
  return {
    title: `Start-up: built server vs tsx (${rounds} starts each)`,
    rows: [
      figure('start-up CPU, built server (vs tsx)', 'ms', (x) => x.cpuMs),
      figure('start-up wall time to listening, built (vs tsx)', 'ms', (x) => x.wallMs),
      figure('RSS when listening, built (vs tsx)', 'MiB', (x) => x.rssMiB),
      figure('RSS after a full GC, built (vs tsx)', 'MiB', (x) => x.rssAfterGcMiB),
    ],
    runs,
    notes: [
      'Start-up figures include the memory probe preloaded into both (NODE_OPTIONS), on a fresh DATA_DIR.',
    ],
  };
}
