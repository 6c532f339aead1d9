// Latency of the matching queue with a full node's worth of waiting users.
//   npx tsx packages/server/bench/matching-bench.ts [--waiting 100000] [--ops 10000] [--seed 1]
// Random waiting users would match each other, so the fill runs with isBlocked() saying "everyone is
// blocked"; measured joiners are then unblocked (join+match) or still blocked with everyone, which
// forces the longest search a join can do: the capped walk of every bucket in range (join+leave).
import { MatchingQueue } from '../src/core/matching/matching-queue.js';

export interface MatchingBenchOptions {
  /** Waiting users kept in the queue while measuring. Default 100 000. */
  waiting?: number;
  /** Measured operations per scenario. Default 10 000. */
  ops?: number;
  seed?: number;
  walkCap?: number;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface MatchingBenchResult {
  waiting: number;
  ops: number;
  walkCap: number;
  fillMs: number;
  /** Microseconds per join that finds a partner (the partner is replaced, untimed, to keep the fill). */
  joinMatchUs: LatencySummary;
  /** Microseconds per join that finds nobody after walking every bucket to the cap, plus its leave. */
  joinNoMatchLeaveUs: LatencySummary;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function summarize(samplesMs: number[]): LatencySummary {
  const us = samplesMs.map((ms) => ms * 1000).sort((a, b) => a - b);
  const at = (q: number) => us[Math.min(us.length - 1, Math.floor(q * us.length))]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    p999: round(at(0.999)),
    max: round(us[us.length - 1]!),
    mean: round(us.reduce((s, x) => s + x, 0) / us.length),
  };
}

export function runMatchingBench(opts: MatchingBenchOptions = {}): MatchingBenchResult {
  const waiting = opts.waiting ?? 100_000;
  const ops = opts.ops ?? 10_000;
  const walkCap = opts.walkCap ?? 64;
  const rnd = mulberry32(opts.seed ?? 1);
  let nextId = 1;
  // A mix weighted toward the ages that actually use such apps, with every age and tolerance present.
  const randomUser = () => {
    const age = rnd() < 0.7 ? 16 + Math.floor(rnd() * 20) : 13 + Math.floor(rnd() * 108);
    const id = (nextId++).toString(16).padStart(64, '0');
    return {
      user_hash: id,
      client_hash: id,
      age,
      tolerance: Math.floor(rnd() * 6),
      newcomer: rnd() < 0.1,
    };
  };

  let unblocked: string | null = null;
  const queue = new MatchingQueue({
    now: () => 0,
    isBlocked: (a, b) => a !== unblocked && b !== unblocked,
    skipCooldownMs: 60_000,
    walkCap,
  });

  const fillStart = performance.now();
  while (queue.size < waiting) queue.join(randomUser());
  const fillMs = performance.now() - fillStart;

  const measure = (count: number, record: boolean, op: () => void): number[] => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      op();
      const t1 = performance.now();
      if (record) samples.push(t1 - t0);
      while (queue.size < waiting) queue.join(randomUser()); // untimed refill
    }
    return samples;
  };

  const joinMatch = () => {
    const u = randomUser();
    unblocked = u.user_hash;
    queue.join(u);
    unblocked = null;
  };
  const joinNoMatchLeave = () => {
    const u = randomUser();
    queue.join(u);
    queue.leave(u.user_hash);
  };

  // Warm up the JIT on both paths before recording.
  measure(Math.min(2000, ops), false, joinMatch);
  measure(Math.min(2000, ops), false, joinNoMatchLeave);
  const matchSamples = measure(ops, true, joinMatch);
  const noMatchSamples = measure(ops, true, joinNoMatchLeave);

  return {
    waiting,
    ops,
    walkCap,
    fillMs: Math.round(fillMs),
    joinMatchUs: summarize(matchSamples),
    joinNoMatchLeaveUs: summarize(noMatchSamples),
  };
}

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) ? v : undefined;
}

const entry = process.argv[1];
if (entry !== undefined && decodeURIComponent(new URL(import.meta.url).pathname) === entry) {
  const result = runMatchingBench({
    waiting: argValue('waiting'),
    ops: argValue('ops'),
    seed: argValue('seed'),
    walkCap: argValue('walk-cap'),
  });
  const line = (name: string, s: LatencySummary) =>
    `${name.padEnd(26)} p50 ${s.p50} us  p99 ${s.p99} us  p99.9 ${s.p999} us  max ${s.max} us  mean ${s.mean} us`;
  console.log(
    `matching queue: ${result.waiting} waiting, ${result.ops} ops per scenario, walk cap ${result.walkCap}`,
  );
  console.log(`fill: ${result.fillMs} ms`);
  console.log(line('join+match', result.joinMatchUs));
  console.log(line('join (no match)+leave', result.joinNoMatchLeaveUs));
  console.log(JSON.stringify(result));
}
