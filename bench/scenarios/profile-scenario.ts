import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/bench-context.js';
import { PAIRS } from '../lib/bench-context.js';
import { cpuProfileTop, type ProfileSummary } from '../lib/cpu-profile-top.js';
import { heapSnapshotDiff, type HeapGrowth } from '../lib/heap-snapshot-diff.js';
import { sleep } from '../lib/sleep.js';
import type { RelayMode, RelayResult } from '../load/load-types.js';
import { RELAY_RATE } from './relay-cpu-scenario.js';
import { IN_FLIGHT } from './saturation-scenario.js';

const WARMUP_MS = 1500;
const MEASURE_MS = 5000;

/**
 * `--profile`: one extra OmeChat run per relay workload with `node --cpu-prof` on the server
 * process; the .cpuprofile files stay in bench/results/profiles/ (open them in Chrome DevTools).
 */
export async function profileOmeChat(
  ctx: BenchContext,
  resultsDir: string,
): Promise<{ cpu: Record<string, ProfileSummary & { file: string }>; heapPerConnection: HeapGrowth[] }> {
  const fx = await ctx.relayFixtures();
  const lg = await ctx.loadGenerator();
  const out: Record<string, ProfileSummary & { file: string }> = {};
  const workloads: [string, RelayMode][] = [
    [`rate-${RELAY_RATE}`, { kind: 'rate', perSecond: RELAY_RATE }],
    [`saturation-${IN_FLIGHT}`, { kind: 'window', inFlight: IN_FLIGHT }],
  ];
  for (const [label, mode] of workloads) {
    const dir = join(resultsDir, 'profiles', label);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const spawnedAt = performance.now();
    let readyMs = 0;
    await ctx.withServer('omechat', { template: fx.templateDir, cpuProfDir: dir }, (s) => {
      readyMs = performance.now() - spawnedAt;
      return lg.run<RelayResult>({
        type: 'relay',
        server: 'omechat',
        url: s.url,
        serverPid: s.pid,
        fixtureFile: fx.omechatFixtureFile,
        pairs: PAIRS,
        mode,
        warmupMs: WARMUP_MS,
        measureMs: MEASURE_MS,
      });
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      console.warn(`  ! no CPU profile written for ${label}`);
      continue;
    }
    // Only the measured window: after start-up, connecting and the warm-up (connecting ~1 s).
    out[label] = {
      file: join(dir, file),
      ...cpuProfileTop(join(dir, file), readyMs + 1000 + WARMUP_MS, MEASURE_MS - 500),
    };
    console.log(
      `  ${label}: top self time in the measured window (${out[label].samples} samples, idle excluded)`,
    );
    for (const h of out[label].top.slice(0, 12))
      console.log(`    ${String(h.selfPercent).padStart(5)}%  ${h.name}`);
    console.log('    by area: ' + out[label].byArea.map((a) => `${a.name} ${a.selfPercent}%`).join(', '));
  }
  return { cpu: out, heapPerConnection: await heapPerConnection(ctx, join(resultsDir, 'profiles')) };
}

/** Heap snapshots of OmeChat before and after opening idle connections: what each one keeps alive. */
async function heapPerConnection(ctx: BenchContext, dir: string): Promise<HeapGrowth[]> {
  const fx = await ctx.idleFixtures();
  const lg = await ctx.loadGenerator();
  const count = 2000;
  return ctx.withServer('omechat', { template: fx.templateDir }, async (s) => {
    await sleep(300);
    const before = await s.heapSnapshot(join(dir, 'idle-before.heapsnapshot'));
    await lg.run({
      type: 'idle.open',
      server: 'omechat',
      url: s.url,
      credsFile: fx.omechatCredsFile,
      start: 0,
      step: 1,
      count,
      concurrency: 50,
      timeoutMs: 60_000,
      label: 'heap snapshot',
    });
    await sleep(1000);
    const after = await s.heapSnapshot(join(dir, 'idle-after.heapsnapshot'));
    await lg.run({ type: 'idle.close' });
    const growth = heapSnapshotDiff(before, after, count);
    console.log(`  heap growth per idle connection (${count} connections, by constructor, self size):`);
    for (const g of growth)
      console.log(
        `    ${String(g.bytesPerConn).padStart(6)} B  ${g.countPerConn.toString().padStart(5)} x  ${g.kind}`,
      );
    return growth;
  });
}
