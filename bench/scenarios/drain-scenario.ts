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

const VARIANTS: { name: string; env: Record<string, string> }[] = [
  { name: 'cold (BLOCK_CACHE_BYTES=0)', env: { BLOCK_CACHE_BYTES: '0' } },
  { name: 'default cache (64 MiB)', env: {} },
  { name: 'cache 256 MiB', env: { BLOCK_CACHE_BYTES: String(256 * 2 ** 20) } },
];

/**
 * Scenario 5: a client reconnects to N stored envelopes. A fills B's block while B is offline (each
 * message.ack only after the durable write), then B connects; drain time is measured on B's side and
 * cache hits/misses come from the server's /metrics (METRICS_ENABLED), before and after.
 */
export async function drainScenario(ctx: BenchContext) {
  const fx = await ctx.relayFixtures();
  const lg = await ctx.loadGenerator();
  const count = ctx.opts.quick ? 2000 : 10_000;
  const runs: DrainRun[] = [];
  for (let r = 0; r < ctx.opts.runs; r++) {
    for (const v of VARIANTS) {
      const run = await ctx.withServer('omechat', { template: fx.templateDir, env: v.env }, async (s) => {
        const fill = await lg.run<{ stored: number; ms: number }>({
          type: 'drain.fill',
          url: s.url,
          fixtureFile: fx.omechatFixtureFile,
          count,
          inFlight: 50,
        });
        const hits0 = await s.metric('omechat_block_cache_hits_total');
        const misses0 = await s.metric('omechat_block_cache_misses_total');
        const bytes0 = await s.metric('omechat_block_cache_bytes');
        const drain = await lg.run<DrainResult>({
          type: 'drain.run',
          url: s.url,
          fixtureFile: fx.omechatFixtureFile,
          count,
        });
        return {
          ...drain,
          variant: v.name,
          fillMs: fill.ms,
          cacheHits: (await s.metric('omechat_block_cache_hits_total')) - hits0,
          cacheMisses: (await s.metric('omechat_block_cache_misses_total')) - misses0,
          cacheBytesBefore: bytes0,
        };
      });
      console.log(
        `  run ${r + 1} ${v.name.padEnd(26)} ${run.received}/${count} in ${run.msToLast} ms ` +
          `(sync.done ${run.msToSyncDone} ms), cache hits ${run.cacheHits} misses ${run.cacheMisses}, ` +
          `block cached before: ${(run.cacheBytesBefore / 2 ** 20).toFixed(1)} MiB; fill ${run.fillMs} ms; acks refused ${run.rateLimited}`,
      );
      runs.push(run);
    }
  }
  const of = (name: string) => runs.filter((x) => x.variant === name);
  const ms = (name: string) => round(median(of(name).map((x) => x.msToLast)), 0);
  const cold = VARIANTS[0]!.name;
  const rows: FigureRow[] = VARIANTS.map((v): FigureRow => ({
    scenario: 5,
    figure: `drain ${count / 1000}k pending, ${v.name}`,
    unit: 'ms',
    omechat: ms(v.name),
    ...(v.name === cold ? {} : { ratio: round(ms(v.name) / ms(cold)), ratioOf: 'cold' }),
    detail: `cache hits ${median(of(v.name).map((x) => x.cacheHits))}, misses ${median(of(v.name).map((x) => x.cacheMisses))}; acks refused ${median(of(v.name).map((x) => x.rateLimited))}`,
  }));
  return {
    title: `Reconnect drain of ${count} pending envelopes`,
    rows,
    runs,
    notes: [
      'A block is cached only while it fits MessageBlockCache.maxBlockBytes (a fraction of BLOCK_CACHE_BYTES); "block cached before" in the log shows whether it was.',
      "Time is from opening B's socket to the last stored envelope received; B acknowledges each burst, as a client does.",
    ],
  };
}
