import { readFileSync } from 'node:fs';
import { sleep } from './sleep.js';

export interface QuietCheck {
  /** Share of both cores busy over the sample, while no benchmark process was running (percent). */
  busyPercent: number;
  loadavg1: number;
  /** Time of a fixed CPU spin (ms) and its ratio to the fastest spin of the run (steal/throttling shows here). */
  spinMs: number;
  spinRatio: number;
  noisy: boolean;
  warning?: string;
}

function cpuTotals(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!; // aggregate "cpu" line
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3]! + (v[4] ?? 0); // idle + iowait
  const total = v.reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

function spin(): number {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 30_000_000; i++) x = (x * 31 + i) | 0;
  if (x === 42) console.log(''); // keep the loop observable so it is not optimised away
  return performance.now() - t0;
}

// The fastest spin so far is the least disturbed one: later spins are compared with it.
let fastestSpin: number | undefined;

/**
 * Samples the machine between scenarios: other load on either core would skew the ratios. A busy
 * sample is retried twice (a previous process may still be exiting) before it counts as noisy.
 */
export async function checkQuiet(sampleMs = 700): Promise<QuietCheck> {
  let q = await sampleOnce(sampleMs);
  for (let i = 0; i < 2 && q.noisy; i++) {
    await sleep(1000);
    q = await sampleOnce(sampleMs);
  }
  return q;
}

async function sampleOnce(sampleMs: number): Promise<QuietCheck> {
  const a = cpuTotals();
  await sleep(sampleMs);
  const b = cpuTotals();
  const busyPercent = Math.round(((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 1000) / 10;
  const spinMs = Math.round(spin() * 10) / 10;
  fastestSpin = Math.min(fastestSpin ?? spinMs, spinMs);
  const spinRatio = Math.round((spinMs / fastestSpin) * 100) / 100;
  const loadavg1 = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const reasons: string[] = [];
  if (busyPercent > 10) reasons.push(`${busyPercent}% CPU busy while idle`);
  if (spinRatio > 1.2) reasons.push(`CPU spin ${spinRatio}x slower than the fastest of this run`);
  return {
    busyPercent,
    loadavg1,
    spinMs,
    spinRatio,
    noisy: reasons.length > 0,
    ...(reasons.length ? { warning: `machine not quiet: ${reasons.join(', ')}` } : {}),
  };
}
