import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { BenchContext } from '../lib/bench-context.js';
import { PAIRS } from '../lib/bench-context.js';
import { median } from '../lib/median.js';
import type { FigureRow } from '../lib/scenario-result.js';
import { spawnBenchServer, type BenchServer } from '../lib/spawn-bench-server.js';
import { SERVER_CORE } from '../lib/spawn-pinned.js';
import { spawnRedis } from '../lib/spawn-redis.js';
import type { RelayResult } from '../load/load-types.js';
import { seedRelayFixtures } from '../setup/seed-relay-fixtures.js';
import { round } from './relay-runs.js';

/** A rate every layout sustains on one core. */
export const CLUSTER_RATE = Number(process.env.BENCH_CLUSTER_RATE ?? 1000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Layout {
  name: string;
  nodes: number;
  redis: boolean;
  /**
   * The control: both clients of a pair on the same node, so nothing crosses nodes. It tells the
   * cost of splitting the load over processes from the cost of crossing between them.
   */
  pairsOnOneNode?: boolean;
}
const LAYOUTS: Layout[] = [
  { name: '1 node', nodes: 1, redis: false },
  { name: '1 node + Redis', nodes: 1, redis: true },
  { name: '2 nodes + Redis', nodes: 2, redis: true },
  { name: '3 nodes + Redis', nodes: 3, redis: true },
  { name: '2 nodes + Redis, pairs on one node', nodes: 2, redis: true, pairsOnOneNode: true },
];

/** BENCH_CLUSTER_LAYOUTS="1 node;2 nodes + Redis": run only these layouts (experiments). */
const ONLY_LAYOUTS = process.env.BENCH_CLUSTER_LAYOUTS?.split(';');

interface ClusterRun extends RelayResult {
  layout: string;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Scenario 8 (issue 15): cross-node relay. The same 100 pairs and rate through 1 node on
 * PostgreSQL (the reference), 1 node + Redis, and 2 and 3 nodes + Redis, where pair i's sender is
 * on node i mod n and its receiver on the next node, so with several nodes every envelope crosses
 * nodes; a control layout runs 2 nodes with both clients of each pair on one node (nothing
 * crosses). CPU per envelope counts every process: the nodes, the bench's own Redis and the
 * PostgreSQL backends serving the database; Redis round trips are the commands Redis ran per envelope.
 */
export async function clusterRelayScenario(ctx: BenchContext) {
  const database = `omechat_bench_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  const dbUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${database}`);
  const fx = await seedRelayFixtures(PAIRS, ctx.opts.quick ? 16 : 64, ctx.baselineSecret, {
    DATABASE_URL: dbUrl,
  });
  const lg = await ctx.loadGenerator();
  const runs: ClusterRun[] = [];
  try {
    for (let r = 0; r < ctx.opts.runs; r++) {
      for (const layout of LAYOUTS.filter((l) => !ONLY_LAYOUTS || ONLY_LAYOUTS.includes(l.name))) {
        const redis = layout.redis ? await spawnRedis(SERVER_CORE) : undefined;
        const env: Record<string, string> = {
          DATABASE_URL: dbUrl,
          ...(redis ? { REDIS_URL: redis.url } : {}),
          BENCH_TOKEN_SECRET: ctx.baselineSecret,
          // Experiments: server settings for every node, e.g. '{"CROSS_NODE_BATCH_MS":"25"}'.
          ...(JSON.parse(process.env.BENCH_CLUSTER_NODE_ENV ?? '{}') as Record<string, string>),
        };
        const nodes: BenchServer[] = [];
        try {
          // The first migrates (nothing to do after seeding) and takes the node lock's role first.
          for (let i = 0; i < layout.nodes; i++)
            nodes.push(
              await spawnBenchServer('omechat', {
                env,
                // Experiment BENCH_CLUSTER_SPREAD=1: node i on core i mod 2 (the second node then
                // shares the load generator's core), to tell core sharing from the design's cost.
                ...(process.env.BENCH_CLUSTER_SPREAD === '1' ? { core: i % 2 } : {}),
                // Experiments: a .cpuprofile per node (written when the node stops).
                ...(process.env.BENCH_CLUSTER_PROFILE_DIR
                  ? { cpuProfDir: process.env.BENCH_CLUSTER_PROFILE_DIR }
                  : {}),
              }),
            );
          const urls = nodes.map((n) => n.url);
          const result = await lg.run<RelayResult>({
            type: 'relay',
            server: 'omechat',
            url: urls[0]!,
            serverPid: nodes[0]!.pid,
            fixtureFile: fx.omechatFixtureFile,
            pairs: PAIRS,
            mode: { kind: 'rate', perSecond: CLUSTER_RATE },
            // Long: with n nodes each process sees 1/n of the warm-up traffic, so a short warm-up
            // leaves JIT compilation in the window and charges it to the layouts with more nodes
            // (2 s gave 2 nodes 2.46x the single node, 8 s 1.58x, same code, same hour).
            warmupMs: Number(process.env.BENCH_CLUSTER_WARMUP_MS ?? (ctx.opts.quick ? 5000 : 8000)),
            measureMs: Number(process.env.BENCH_CLUSTER_MEASURE_MS ?? (ctx.opts.quick ? 3000 : 5000)),
            senderUrls: urls,
            receiverUrls: layout.pairsOnOneNode ? urls : urls.map((_, i) => urls[(i + 1) % urls.length]!),
            extraPids: [...nodes.slice(1).map((n) => n.pid), ...(redis ? [redis.pid] : [])],
            pg: { adminUrl: ADMIN_URL, database },
            ...(redis ? { redisUrl: redis.url } : {}),
          });
          if (result.errors > 0)
            console.warn(`  ! ${layout.name}: ${result.errors} error frames, first: ${result.firstError}`);
          const by = result.cpuMicrosBy!;
          console.log(
            `  run ${r + 1} ${layout.name.padEnd(34)} ${result.perSecond} msg/s, ${result.cpuMicrosPerEnvelope} µs CPU/env ` +
              `(node 1 ${perEnv(by.server, result)}, other nodes+Redis ${perEnv(by.extra, result)}, ` +
              `PostgreSQL ${perEnv(by.postgres, result)}), Redis ${redisPerEnv(result)} cmds/env, ` +
              `p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} ms, others ${result.otherCpuPercent}%`,
          );
          runs.push({ ...result, layout: layout.name });
        } finally {
          for (const n of nodes) await n.stop();
          await redis?.stop();
        }
      }
    }
  } finally {
    rmSync(dirname(fx.templateDir), { recursive: true, force: true });
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }

  const of = (name: string, f: (r: ClusterRun) => number) =>
    round(median(runs.filter((r) => r.layout === name).map(f)), 3);
  const reference = of('1 node', (r) => r.cpuMicrosPerEnvelope);
  const ran = LAYOUTS.filter((l) => runs.some((r) => r.layout === l.name));
  const rows: FigureRow[] = ran.flatMap((l): FigureRow[] => {
    const cpu = of(l.name, (r) => r.cpuMicrosPerEnvelope);
    const ratio = round(cpu / reference);
    const part = (k: 'server' | 'extra' | 'postgres') => of(l.name, (r) => r.cpuMicrosBy![k] / r.delivered);
    return [
      {
        scenario: 8,
        figure: `total CPU per envelope, ${l.name} @${CLUSTER_RATE / 1000}k msg/s`,
        unit: 'µs',
        omechat: cpu,
        ratio,
        ratioOf: '1 node',
        ...(l.nodes > 1 && !l.pairsOnOneNode ? { goal: '<= 1.5x 1 node', met: ratio <= 1.5 } : {}),
        detail: `node 1 ${round(part('server'), 1)}, other nodes+Redis ${round(part('extra'), 1)}, PostgreSQL ${round(part('postgres'), 1)} µs; p99 ${of(l.name, (r) => r.latencyMs.p99)} ms`,
      },
      ...(l.redis
        ? [
            {
              scenario: 8,
              figure: `Redis commands per envelope, ${l.name}`,
              unit: 'cmds',
              omechat: of(l.name, (r) => (r.redisCalls ?? 0) / r.delivered),
            },
          ]
        : []),
    ];
  });
  return {
    title: `Cross-node relay at ${CLUSTER_RATE} msg/s (100 pairs) through 1, 2 and 3 nodes on PostgreSQL (+ Redis)`,
    rows,
    runs,
    notes: [
      'CPU counts every process on the path: all nodes, the bench’s own Redis, and the PostgreSQL backends of the bench database (not its shared background processes: WAL writer, checkpointer).',
      'With n > 1 nodes pair i’s sender is on node i mod n and its receiver on the next one: every envelope crosses nodes. The control “pairs on one node” puts both on node i mod n: nothing crosses, the load is only split over two processes.',
      'Redis commands are INFO commandstats deltas over the window (pub/sub deliveries count as the PUBLISH/EVAL that caused them; commands inside a Lua script count one each).',
    ],
  };
}

const perEnv = (micros: number, r: RelayResult) => round(micros / Math.max(1, r.delivered), 1);
const redisPerEnv = (r: RelayResult) =>
  r.redisCalls === undefined ? '-' : round(r.redisCalls / Math.max(1, r.delivered), 2);
