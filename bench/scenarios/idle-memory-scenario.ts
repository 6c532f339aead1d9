import { cpus, loadavg } from 'node:os';
import type { BenchContext } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import type { MemorySample, ServerKind } from '../lib/spawn-bench-server.js';
import { sleep } from '../lib/sleep.js';
import { KINDS, round } from './relay-runs.js';

const GiB = 1024 ** 3;

interface IdleRun {
  count: number;
  /** Processes of the server (and of the load generator) the connections were spread over. */
  processes: number;
  openMs: number;
  /** Per process: memory of the empty server and with its share of the connections open. */
  before: MemorySample[];
  after: MemorySample[];
  rssPerConn: number;
  heapPerConn: number;
  closedByServer: number;
  /** Connections one node holds in 1 GiB of RSS: (1 GiB - empty RSS) / RSS per connection. */
  connsPerGiB: number;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Per connection, at several processes: (sum over the processes of (with connections - empty)) /
 * connections. The empty server is counted once per process, never per connection.
 */
function perConnection(
  before: MemorySample[],
  after: MemorySample[],
  count: number,
  f: (m: MemorySample) => number,
) {
  return sum(after.map((a, j) => f(a) - f(before[j]!))) / count;
}

/**
 * Scenario 3: RSS and heap per idle authenticated connection, at 50,000 real connections. Where
 * one process may not hold that many sockets (the open-files limit), each server runs as k
 * processes and connection i goes to process i mod k, opened by load process i mod k (OmeChat: k
 * independent servers, each on its own copy of the same seeded DATA_DIR).
 */
export async function idleMemoryScenario(ctx: BenchContext) {
  const layout = ctx.idleLayout;
  const { count, processes: k, perProcess } = layout;
  const how =
    k === 1
      ? `1 process of ${count}`
      : `${k} processes of ${[...new Set(perProcess)].join(' or ')} each (open-files limit ${layout.fdLimit} per process)`;
  console.log(`  ${count} connections per server: ${how}`);
  const fx = await ctx.idleFixtures();
  const lgs = await ctx.loadGenerators(k);
  // Per connection open: the accept, auth and (OmeChat) sync of one socket while `concurrency`
  // others wait on the same core; scaled up when other work keeps the cores busy.
  const busy = Math.max(1, loadavg()[0]! / cpus().length);
  const timeoutMs = Math.round(60_000 * busy);
  const concurrency = Math.max(8, Math.floor(64 / k));
  const skipSocketio = process.env.BENCH_IDLE_SKIP_SOCKETIO === '1';
  const kinds = skipSocketio ? KINDS.filter((kind) => kind !== 'socketio') : KINDS;
  if (skipSocketio)
    console.log('  socket.io skipped (BENCH_IDLE_SKIP_SOCKETIO=1): the goal compares with raw ws');
  const runs = { ws: [], socketio: [], omechat: [], 'omechat-store': [] } as Record<ServerKind, IdleRun[]>;
  for (let r = 0; r < ctx.opts.runs; r++) {
    for (const kind of kinds.map((_, i) => kinds[(i + r) % kinds.length]!)) {
      const run = await ctx.withServers(kind, k, { template: fx.templateDir }, async (servers) => {
        await sleep(300);
        // Connection i goes to process i mod k: the load process j opens process j's share.
        const before: MemorySample[] = [];
        for (const s of servers) before.push(await s.memory());
        const t0 = performance.now();
        const opened = await Promise.all(
          lgs.map((lg, j) =>
            lg.run<{ opened: number; ms: number }>(
              {
                type: 'idle.open',
                server: kind,
                url: servers[j]!.url,
                credsFile: kind === 'omechat' ? fx.omechatCredsFile : fx.baselineCredsFile,
                start: j,
                step: k,
                count: perProcess[j]!,
                concurrency,
                timeoutMs,
                label: `${kind} ${j + 1}/${k}`,
              },
              Math.max(120_000, perProcess[j]! * 60 * busy),
            ),
          ),
        );
        const openMs = Math.round(performance.now() - t0);
        await sleep(1000 + 100 * k); // let per-connection work (presence, drain checks) finish
        const after: MemorySample[] = [];
        for (const s of servers) after.push(await s.memory());
        const closed = await Promise.all(
          lgs.map((lg) => lg.run<{ closedByServer: number }>({ type: 'idle.close' })),
        );
        const total = sum(opened.map((o) => o.opened));
        const rssPerConn = perConnection(before, after, total, (m) => m.rss);
        return {
          count: total,
          processes: k,
          openMs,
          before,
          after,
          rssPerConn: Math.round(rssPerConn),
          heapPerConn: Math.round(perConnection(before, after, total, (m) => m.heapUsed)),
          closedByServer: sum(closed.map((c) => c.closedByServer)),
          connsPerGiB: Math.floor((GiB - sum(before.map((b) => b.rss)) / k) / rssPerConn),
        };
      });
      const mib = (xs: MemorySample[]) => xs.map((m) => (m.rss / 2 ** 20).toFixed(0)).join('+');
      console.log(
        `  run ${r + 1} ${kind.padEnd(8)} ${run.count} conns (${k} x ~${perProcess[0]}) in ${run.openMs} ms: ` +
          `${(run.rssPerConn / 1024).toFixed(1)} KiB RSS, ${(run.heapPerConn / 1024).toFixed(1)} KiB heap per conn ` +
          `(RSS ${mib(run.before)} -> ${mib(run.after)} MiB; closed by server ${run.closedByServer})`,
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
  const at = k === 1 ? `${count / 1000}k` : `${count / 1000}k in ${k} processes`;
  const rows: FigureRow[] = [
    {
      scenario: 3,
      figure: `RSS per idle authed connection (${at})`,
      unit: 'KiB',
      ws: rss('ws'),
      socketio: rss('socketio'),
      omechat: rss('omechat'),
      ratio: rssRatio,
      ratioOf: 'ws',
      goal: '<= 1.3x ws',
      met: rssRatio <= 1.3,
    },
    {
      scenario: 3,
      figure: `heap per idle authed connection (${at})`,
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
    title: `Memory per idle authenticated connection (${count} connections, ${how})`,
    rows,
    runs,
    notes: [
      `Measured at ${count} real connections per server: ${how}; connection i on server process i mod ${k}, opened by load process i mod ${k}. Per connection = (sum over the ${k} processes of (measured - empty)) / ${count}.`,
      '"in 1 GiB" is extrapolated linearly: (1 GiB - RSS of one empty server process) / RSS per connection, not measured.',
      'Memory is read inside each server after a forced full GC (bench/servers/memory-probe.mjs), before and after opening the connections.',
      "OmeChat clients were seeded over HTTP through a server started in-process by the server's own composition root with a cheap argon2 hasher injected (bench/setup/seed-idle-clients.ts); auth itself is the real WebSocket auth.",
    ],
  };
}
