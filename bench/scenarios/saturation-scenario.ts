import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import { RELAY_KINDS, relayRuns, round } from './relay-runs.js';

export const IN_FLIGHT = 10;

/** Scenario 2: saturation throughput, 100 pairs with 10 messages in flight each. */
export async function saturationScenario(ctx: BenchContext) {
  const runs = await relayRuns(
    ctx,
    { kind: 'window', inFlight: IN_FLIGHT },
    ctx.opts.quick ? 1000 : 1000,
    ctx.opts.quick ? 2500 : 4000,
    RELAY_KINDS,
  );
  const tput = (k: 'ws' | 'socketio' | 'omechat' | 'omechat-store') =>
    round(median(runs[k].map((r) => r.perSecond)), 0);
  const cpuPct = (k: 'ws' | 'socketio' | 'omechat' | 'omechat-store') =>
    round(median(runs[k].map((r) => r.serverCpuPercent)), 1);
  const loadPct = (k: 'ws' | 'socketio' | 'omechat' | 'omechat-store') =>
    round(median(runs[k].map((r) => r.loadCpuPercent)), 1);
  const cpuPer = (k: 'ws' | 'socketio' | 'omechat' | 'omechat-store') =>
    round(median(runs[k].map((r) => r.cpuMicrosPerEnvelope)), 2);
  const ratio = round(tput('omechat') / tput('ws'));
  const rows: FigureRow[] = [
    {
      scenario: 2,
      figure: `saturation throughput (${IN_FLIGHT} in flight/pair)`,
      unit: 'msg/s',
      ws: tput('ws'),
      socketio: tput('socketio'),
      omechat: tput('omechat'),
      ratio,
      ratioOf: 'ws',
      goal: '>= 0.8x ws',
      met: ratio >= 0.8,
    },
    {
      // CPU time per envelope hardly moves when other tenants steal cycles, unlike msg/s.
      scenario: 2,
      figure: 'CPU per envelope at saturation',
      unit: 'µs',
      ws: cpuPer('ws'),
      socketio: cpuPer('socketio'),
      omechat: cpuPer('omechat'),
      ratio: round(cpuPer('ws') / cpuPer('omechat')),
      ratioOf: 'ws capacity',
      detail: 'ratio = ws µs / OmeChat µs: CPU-bound capacity, robust to noise',
    },
    {
      scenario: 2,
      figure: 'server CPU at saturation',
      unit: '% core',
      ws: cpuPct('ws'),
      socketio: cpuPct('socketio'),
      omechat: cpuPct('omechat'),
    },
    {
      scenario: 2,
      figure: 'load generator CPU at saturation',
      unit: '% core',
      ws: loadPct('ws'),
      socketio: loadPct('socketio'),
      omechat: loadPct('omechat'),
    },
    // Design (a) (DELIVERY_ACK=store) against the shipped design (b), same run.
    {
      scenario: 2,
      figure: `design (a) saturation throughput (${IN_FLIGHT} in flight/pair)`,
      unit: 'msg/s',
      omechat: tput('omechat-store'),
      ratio: round(tput('omechat-store') / tput('omechat')),
      ratioOf: '(b)',
    },
    {
      scenario: 2,
      figure: 'design (a) CPU per envelope at saturation',
      unit: 'µs',
      omechat: cpuPer('omechat-store'),
      ratio: round(cpuPer('omechat-store') / cpuPer('omechat')),
      ratioOf: '(b)',
    },
  ];
  const notes = ['In flight = sent by A and not yet received by B; each delivery releases the next send.'];
  for (const k of ['ws', 'socketio', 'omechat'] as const)
    if (loadPct(k) > 90 && cpuPct(k) < 90)
      notes.push(
        `${k}: the load generator (${loadPct(k)}% of its core) rather than the server (${cpuPct(k)}%) was the limit: its figure is a lower bound.`,
      );
  return { title: `Saturation throughput (100 pairs, ${IN_FLIGHT} in flight each)`, rows, runs, notes };
}
