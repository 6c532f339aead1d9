import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import type { MemorySample, ServerKind } from '../lib/spawn-bench-server.js';
import { sleep } from '../lib/sleep.js';
import { KINDS, round } from './relay-runs.js';

const GiB = 1024 ** 3;

interface IdleRun {
  count: number;
  openMs: number;
  before: MemorySample;
  after: MemorySample;
  rssPerConn: number;
  heapPerConn: number;
  closedByServer: number;
  /** Connections one node holds in 1 GiB of RSS: (1 GiB - empty RSS) / RSS per connection. */
  connsPerGiB: number;
}

/** Scenario 3: RSS and heap per idle authenticated connection, and the 1 GiB extrapolation. */
export async function idleMemoryScenario(ctx: BenchContext) {
  const fx = await ctx.idleFixtures();
  const lg = await ctx.loadGenerator();
  const count = ctx.idleCount;
  const runs = { ws: [], socketio: [], omechat: [], 'omechat-store': [] } as Record<ServerKind, IdleRun[]>;
  for (let r = 0; r < ctx.opts.runs; r++) {
    for (const kind of KINDS.map((_, i) => KINDS[(i + r) % KINDS.length]!)) {
      const run = await ctx.withServer(kind, { template: fx.templateDir }, async (s) => {
        await sleep(300);
        const before = await s.memory();
        const opened = await lg.run<{ opened: number; ms: number }>(
          {
            type: 'idle.open',
            server: kind,
            url: s.url,
            credsFile: kind === 'omechat' ? fx.omechatCredsFile : fx.baselineCredsFile,
            count,
            concurrency: 50,
          },
          Math.max(90_000, count * 30),
        );
        await sleep(1000); // let per-connection work (presence, drain checks) finish
        const after = await s.memory();
        const closed = await lg.run<{ closedByServer: number }>({ type: 'idle.close' });
        const rssPerConn = (after.rss - before.rss) / opened.opened;
        return {
          count: opened.opened,
          openMs: opened.ms,
          before,
          after,
          rssPerConn: Math.round(rssPerConn),
          heapPerConn: Math.round((after.heapUsed - before.heapUsed) / opened.opened),
          closedByServer: closed.closedByServer,
          connsPerGiB: Math.floor((GiB - before.rss) / rssPerConn),
        };
      });
      console.log(
        `  run ${r + 1} ${kind.padEnd(8)} ${run.count} conns in ${run.openMs} ms: ` +
          `${(run.rssPerConn / 1024).toFixed(1)} KiB RSS, ${(run.heapPerConn / 1024).toFixed(1)} KiB heap per conn ` +
          `(RSS ${(run.before.rss / 2 ** 20).toFixed(0)} -> ${(run.after.rss / 2 ** 20).toFixed(0)} MiB)`,
      );
      runs[kind].push(run);
    }
  }
  const kib = (k: ServerKind, f: (r: IdleRun) => number) => round(median(runs[k].map(f)) / 1024, 1);
  const rss = (k: ServerKind) => kib(k, (r) => r.rssPerConn);
  const heap = (k: ServerKind) => kib(k, (r) => r.heapPerConn);
  const perGiB = (k: ServerKind) => Math.round(median(runs[k].map((r) => r.connsPerGiB)));
  const rssRatio = round(rss('omechat') / rss('ws'));
  const heapRatio = round(heap('omechat') / heap('ws'));
  const rows: FigureRow[] = [
    {
      scenario: 3,
      figure: `RSS per idle authed connection (${count / 1000}k)`,
      unit: 'KiB',
      ws: rss('ws'),
      socketio: rss('socketio'),
      omechat: rss('omechat'),
      ratio: rssRatio,
      ratioOf: 'ws',
      goal: '<= 1.5x ws',
      met: rssRatio <= 1.5,
    },
    {
      scenario: 3,
      figure: `heap per idle authed connection (${count / 1000}k)`,
      unit: 'KiB',
      ws: heap('ws'),
      socketio: heap('socketio'),
      omechat: heap('omechat'),
      ratio: heapRatio,
      ratioOf: 'ws',
      goal: '<= 1.5x ws',
      met: heapRatio <= 1.5,
    },
    {
      scenario: 3,
      figure: 'connections in 1 GiB RSS (extrapolated)',
      unit: 'conns',
      ws: perGiB('ws'),
      socketio: perGiB('socketio'),
      omechat: perGiB('omechat'),
      ratio: round(perGiB('omechat') / perGiB('ws')),
      ratioOf: 'ws',
    },
  ];
  return {
    title: `Memory per idle authenticated connection (${count} connections)`,
    rows,
    runs,
    notes: [
      `Measured at ${count} connections; "in 1 GiB" is extrapolated linearly: (1 GiB - RSS of the empty server) / RSS per connection, not measured.`,
      'Memory is read inside each server after a forced full GC (bench/servers/memory-probe.mjs), before and after opening the connections.',
      "OmeChat clients were seeded over HTTP through a server started in-process by the server's own composition root with a cheap argon2 hasher injected (bench/setup/seed-idle-clients.ts); auth itself is the real WebSocket auth.",
    ],
  };
}
