import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import { RELAY_KINDS, relayRuns, round } from './relay-runs.js';

export const RELAY_RATE = 5000;

/** Scenario 1: server CPU µs per relayed envelope at a fixed 5k msg/s, and delivery latency. */
export async function relayCpuScenario(ctx: BenchContext) {
  const runs = await relayRuns(
    ctx,
    { kind: 'rate', perSecond: RELAY_RATE },
    ctx.opts.quick ? 1000 : 1500,
    ctx.opts.quick ? 3000 : 5000,
    RELAY_KINDS,
  );
  type K = 'ws' | 'socketio' | 'omechat' | 'omechat-store';
  const m = (k: K, f: (r: (typeof runs)['ws'][number]) => number) => round(median(runs[k].map(f)), 3);
  const cpu = (k: K) => m(k, (r) => r.cpuMicrosPerEnvelope);
  const lat = (k: K, q: 'p50' | 'p99' | 'p999') => m(k, (r) => r.latencyMs[q]);
  const cpuRatio = round(cpu('omechat') / cpu('ws'));
  const rows: FigureRow[] = [
    {
      scenario: 1,
      figure: `CPU per envelope @${RELAY_RATE / 1000}k msg/s`,
      unit: 'µs',
      ws: cpu('ws'),
      socketio: cpu('socketio'),
      omechat: cpu('omechat'),
      ratio: cpuRatio,
      ratioOf: 'ws',
      goal: '<= 1.3x ws',
      met: cpuRatio <= 1.3,
    },
    ...(['p50', 'p99', 'p999'] as const).map((q): FigureRow => ({
      scenario: 1,
      figure: `latency ${q === 'p999' ? 'p99.9' : q} @${RELAY_RATE / 1000}k msg/s`,
      unit: 'ms',
      ws: lat('ws', q),
      socketio: lat('socketio', q),
      omechat: lat('omechat', q),
      ratio: round(lat('omechat', q) / lat('ws', q)),
      ratioOf: 'ws',
      ...(q === 'p99' ? { goal: '<= 2 ms', met: lat('omechat', q) <= 2 } : {}),
    })),
    // Design (a) (DELIVERY_ACK=store: every live copy written before message.ack, group commit)
    // against the shipped design (b), same run (docs/protocol.md "Delivery guarantees").
    {
      scenario: 1,
      figure: `design (a) CPU per envelope @${RELAY_RATE / 1000}k msg/s`,
      unit: 'µs',
      omechat: cpu('omechat-store'),
      ratio: round(cpu('omechat-store') / cpu('omechat')),
      ratioOf: '(b)',
    },
    ...(['p50', 'p99'] as const).map((q): FigureRow => ({
      scenario: 1,
      figure: `design (a) latency ${q} @${RELAY_RATE / 1000}k msg/s`,
      unit: 'ms',
      omechat: lat('omechat-store', q),
      ratio: round(lat('omechat-store', q) / lat('omechat', q)),
      ratioOf: '(b)',
    })),
  ];
  return {
    title: `Relay CPU and latency at a fixed ${RELAY_RATE} msg/s (100 pairs)`,
    rows,
    runs,
    notes: [
      'CPU is the server process (all threads) from /proc during the measured window, divided by the envelopes delivered in it.',
      'Latency is message.send written by A -> envelope read by B, both in the load generator.',
    ],
  };
}
