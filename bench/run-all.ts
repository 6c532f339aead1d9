// `npm run bench [-- --quick] [-- --only=1,3] [-- --runs=N] [-- --profile]`: every scenario of
// bench/README.md, servers pinned to core 0 and the load generator to core 1, medians of N runs,
// a table on stdout and bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchContext } from './lib/bench-context.js';
import { parseBenchOptions } from './lib/bench-options.js';
import { checkQuiet } from './lib/check-quiet.js';
import { formatMarkdown, formatTable } from './lib/format-table.js';
import type { FigureRow, ScenarioResult } from './lib/scenario-result.js';
import { LOAD_CORE } from './lib/spawn-pinned.js';
import { REPO_DIR } from './lib/spawn-bench-server.js';
import { relayCpuScenario } from './scenarios/relay-cpu-scenario.js';
import { saturationScenario } from './scenarios/saturation-scenario.js';
import { idleMemoryScenario } from './scenarios/idle-memory-scenario.js';
import { largeMatchingScenario, matchingScenario } from './scenarios/matching-scenario.js';
import { drainScenario, largeDrainScenario, postgresDrainScenario } from './scenarios/drain-scenario.js';
import { loginStormScenario } from './scenarios/login-storm-scenario.js';
import { profileOmeChat } from './scenarios/profile-scenario.js';
import { signupPowScenario } from './scenarios/signup-pow-scenario.js';
import { clusterRelayScenario } from './scenarios/cluster-relay-scenario.js';
import { startupScenario } from './scenarios/startup-scenario.js';

type Scenario = (ctx: BenchContext) => Promise<Omit<ScenarioResult, 'id' | 'quiet' | 'ms'>>;
const SCENARIOS: Record<number, Scenario> = {
  1: relayCpuScenario,
  2: saturationScenario,
  3: idleMemoryScenario,
  4: matchingScenario,
  5: drainScenario,
  6: loginStormScenario,
  7: signupPowScenario,
  8: clusterRelayScenario,
  9: startupScenario,
  10: largeDrainScenario,
  11: postgresDrainScenario,
  12: largeMatchingScenario,
};

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

function versionOf(pkg: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(REPO_DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'missing';
  }
}

const opts = parseBenchOptions(process.argv.slice(2));
// The orchestrator shares the load generator's core: the server core stays for the server alone.
try {
  execFileSync('/usr/bin/taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], {
    stdio: 'ignore',
  });
} catch {
  console.warn('! could not pin the orchestrator (taskset missing?)');
}

// 50k idle connections need 50k descriptors in the server and in the load generator; the usual
// limit here is 20k. The limit is raised for this process (root may raise the hard limit too) and
// every process it starts inherits it; where it cannot be, scenario 3 spreads each server and the
// load generator over several processes (BenchContext.idleLayout).
const NOFILE = 200_000;
try {
  execFileSync('/usr/bin/prlimit', ['--pid', String(process.pid), `--nofile=${NOFILE}:${NOFILE}`], {
    stdio: 'ignore',
  });
} catch {
  console.warn(
    `! could not raise the open-files limit to ${NOFILE} (no CAP_SYS_RESOURCE?): scenario 3 spreads its connections over several processes`,
  );
}

const started = new Date();
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
};
const versions = Object.fromEntries(
  [
    'ws',
    'socket.io',
    'tsx',
    'fastify',
    '@fastify/websocket',
    'better-sqlite3',
    '@node-rs/argon2',
    '@omechat/server',
    '@omechat/crypto',
  ].map((p) => [p, versionOf(p)]),
);
console.log(
  `OmeChat bench — ${started.toISOString()} — node ${process.version} — ${machine.cpu} x${machine.cores} — ` +
    `${opts.quick ? 'quick, ' : ''}${opts.runs} run(s) each, scenarios ${opts.only.join(',')}`,
);
if (machine.cores < 2) console.warn('! fewer than 2 cores: server and load generator share a core');

const ctx = new BenchContext(opts);
const results: ScenarioResult[] = [];
let profiles: unknown;
try {
  for (const id of opts.only) {
    const quiet = await checkQuiet();
    console.log(
      `\n[${id}] quiet check: ${quiet.busyPercent}% busy, spin ${quiet.spinMs} ms (${quiet.spinRatio}x), load ${quiet.loadavg1}`,
    );
    if (quiet.warning) console.warn(`  ! ${quiet.warning}: figures of this scenario may be skewed`);
    const t0 = performance.now();
    const r = await SCENARIOS[id]!(ctx);
    results.push({ id, quiet, ms: Math.round(performance.now() - t0), ...r });
    console.log(`[${id}] ${r.title}: ${Math.round((performance.now() - t0) / 1000)} s`);
  }
  if (opts.profile) {
    console.log('\n[profile] OmeChat server under node --cpu-prof');
    profiles = await profileOmeChat(ctx, RESULTS_DIR);
  }
} catch (e) {
  // Keep what was measured: the table and JSON are still written below.
  console.error(`\n! the bench stopped early: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
} finally {
  await ctx.close();
}

const rows: FigureRow[] = results.flatMap((r) => r.rows);
console.log(`\n${formatTable(rows)}`);
const noisy = results.filter((r) => r.quiet.noisy).map((r) => r.id);
if (noisy.length) console.warn(`\n! the machine was not quiet before scenario(s) ${noisy.join(', ')}`);
for (const r of results) for (const n of r.notes) console.log(`  [${r.id}] ${n}`);

mkdirSync(RESULTS_DIR, { recursive: true });
const file = join(RESULTS_DIR, 'latest.json');
writeFileSync(
  file,
  JSON.stringify(
    {
      date: started.toISOString(),
      durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
      node: process.version,
      machine,
      versions,
      options: opts,
      pinning: { server: 'taskset -c 0', loadGenerator: 'taskset -c 1' },
      setupMs: ctx.setupMs,
      rows,
      markdown: formatMarkdown(rows),
      scenarios: results,
      profiles,
    },
    null,
    2,
  ),
);
console.log(`\nwrote ${file} (${Math.round((Date.now() - started.getTime()) / 1000)} s in all)`);
