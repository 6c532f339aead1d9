import { execFileSync } from 'node:child_process';
import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import type { DrainResult } from '../load/load-types.js';
import { round } from './relay-runs.js';

interface DrainRun extends DrainResult {
  variant: string;
  fillMs: number;
  cacheHits: number;
  cacheMisses: number;
  cacheBytesBefore: number;
}

interface DrainVariant {
  name: string;
  env: Record<string, string>;
}

const VARIANTS: DrainVariant[] = [
  { name: 'cold (BLOCK_CACHE_BYTES=0)', env: { BLOCK_CACHE_BYTES: '0' } },
  { name: 'default cache (64 MiB)', env: {} },
  { name: 'cache 256 MiB', env: { BLOCK_CACHE_BYTES: String(256 * 2 ** 20) } },
];

/** 100k envelopes of ~900 bytes make a ~90 MiB block: the cache must be large enough to hold it. */
const LARGE_VARIANTS: DrainVariant[] = [
  { name: 'cold (BLOCK_CACHE_BYTES=0)', env: { BLOCK_CACHE_BYTES: '0' } },
  { name: 'cached (BLOCK_CACHE_BYTES=2 GiB)', env: { BLOCK_CACHE_BYTES: String(2 * 2 ** 30) } },
];

/** Where PostgreSQL is for scenario 11 (a server URL without a database; trust auth as in the tests). */
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const PG_TEMPLATE_DB = 'omechat_bench_template';
const PG_RUN_DB = 'omechat_bench_run';

function psql(sql: string): void {
  execFileSync('psql', [`${PG_URL}/postgres`, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: 'pipe' });
}

/**
 * Scenario 5: a client reconnects to N stored envelopes. A fills B's block while B is offline (each
 * message.ack only after the durable write), then B connects; drain time is measured on B's side and
 * cache hits/misses come from the server's /metrics (METRICS_ENABLED), before and after.
 */
export function drainScenario(ctx: BenchContext) {
  return runDrainScenario(ctx, 5, ctx.opts.quick ? 2000 : 10_000, VARIANTS, 'sqlite');
}

/** Scenario 10 (opt-in, issue 17): the drain of 100,000 pending envelopes on SQLite (goal < 2 s). */
export function largeDrainScenario(ctx: BenchContext) {
  return runDrainScenario(ctx, 10, ctx.opts.quick ? 20_000 : 100_000, LARGE_VARIANTS, 'sqlite');
}

/**
 * Scenario 11 (opt-in, issue 17): the same drain on PostgreSQL, where the message-block cache
 * should earn its keep (goal: cached >= 5x faster than cold). Each run gets a fresh database made
 * from a template seeded once (`CREATE DATABASE … TEMPLATE …`).
 */
export function postgresDrainScenario(ctx: BenchContext) {
  return runDrainScenario(ctx, 11, ctx.opts.quick ? 20_000 : 100_000, LARGE_VARIANTS, 'postgres');
}

async function runDrainScenario(
  ctx: BenchContext,
  scenario: number,
  count: number,
  variants: DrainVariant[],
  store: 'sqlite' | 'postgres',
) {
  let pgEnv: Record<string, string> = {};
  if (store === 'postgres') {
    psql(`DROP DATABASE IF EXISTS ${PG_RUN_DB}`);
    psql(`DROP DATABASE IF EXISTS ${PG_TEMPLATE_DB}`);
    psql(`CREATE DATABASE ${PG_TEMPLATE_DB}`);
    pgEnv = { DATABASE_URL: `${PG_URL}/${PG_RUN_DB}` };
  }
  const fx =
    store === 'postgres'
      ? await ctx.postgresRelayFixtures(`${PG_URL}/${PG_TEMPLATE_DB}`)
      : await ctx.relayFixtures();
  const lg = await ctx.loadGenerator();
  const runs: DrainRun[] = [];
  for (let r = 0; r < ctx.opts.runs; r++) {
    for (const v of variants) {
      if (store === 'postgres') {
        psql(`DROP DATABASE IF EXISTS ${PG_RUN_DB}`);
        psql(`CREATE DATABASE ${PG_RUN_DB} TEMPLATE ${PG_TEMPLATE_DB}`);
      }
      const env = { ...v.env, ...pgEnv };
      const run = await ctx.withServer(
        'omechat',
        {
          template: fx.templateDir,
          env,
          // Experiments: a .cpuprofile of each drain's server (written when it stops).
          ...(process.env.BENCH_DRAIN_PROFILE_DIR ? { cpuProfDir: process.env.BENCH_DRAIN_PROFILE_DIR } : {}),
        },
        async (s) => {
          const fill = await lg.run<{ stored: number; ms: number }>(
            {
              type: 'drain.fill',
              url: s.url,
              fixtureFile: fx.omechatFixtureFile,
              count,
              inFlight: 50,
            },
            Math.max(90_000, count * 10),
          );
          const hits0 = await s.metric('omechat_block_cache_hits_total');
          const misses0 = await s.metric('omechat_block_cache_misses_total');
          const bytes0 = await s.metric('omechat_block_cache_bytes');
          const drain = await lg.run<DrainResult>(
            {
              type: 'drain.run',
              url: s.url,
              fixtureFile: fx.omechatFixtureFile,
              count,
            },
            Math.max(90_000, count * 10),
          );
          return {
            ...drain,
            variant: v.name,
            fillMs: fill.ms,
            cacheHits: (await s.metric('omechat_block_cache_hits_total')) - hits0,
            cacheMisses: (await s.metric('omechat_block_cache_misses_total')) - misses0,
            cacheBytesBefore: bytes0,
          };
        },
      );
      console.log(
        `  run ${r + 1} ${v.name.padEnd(26)} ${run.received}/${count} in ${run.msToLast} ms ` +
          `(sync.done ${run.msToSyncDone} ms), cache hits ${run.cacheHits} misses ${run.cacheMisses}, ` +
          `block cached before: ${(run.cacheBytesBefore / 2 ** 20).toFixed(1)} MiB; fill ${run.fillMs} ms; acks refused ${run.rateLimited}`,
      );
      runs.push(run);
    }
  }
  if (store === 'postgres') psql(`DROP DATABASE IF EXISTS ${PG_RUN_DB}`);
  const of = (name: string) => runs.filter((x) => x.variant === name);
  const ms = (name: string) => round(median(of(name).map((x) => x.msToLast)), 0);
  const cold = variants[0]!.name;
  const large = scenario !== 5;
  const rows: FigureRow[] = variants.map((v): FigureRow => ({
    scenario,
    figure: `drain ${count / 1000}k pending${store === 'postgres' ? ' on PostgreSQL' : ''}, ${v.name}`,
    unit: 'ms',
    omechat: ms(v.name),
    ...(v.name === cold ? {} : { ratio: round(ms(v.name) / ms(cold)), ratioOf: 'cold' }),
    ...(large && store === 'sqlite' ? { goal: '< 2000 ms', met: ms(v.name) < 2000 } : {}),
    ...(large && store === 'postgres' && v.name !== cold
      ? { goal: 'cold/cached >= 5x', met: ms(cold) / ms(v.name) >= 5 }
      : {}),
    detail: `cache hits ${median(of(v.name).map((x) => x.cacheHits))}, misses ${median(of(v.name).map((x) => x.cacheMisses))}; acks refused ${median(of(v.name).map((x) => x.rateLimited))}`,
  }));
  return {
    title: `Reconnect drain of ${count} pending envelopes${store === 'postgres' ? ' on PostgreSQL' : ''}`,
    rows,
    runs,
    notes: [
      'A block is cached only while it fits MessageBlockCache.maxBlockBytes (a fraction of BLOCK_CACHE_BYTES); "block cached before" in the log shows whether it was.',
      "Time is from opening B's socket to the last stored envelope received; B acknowledges each burst, as a client does.",
    ],
  };
}
