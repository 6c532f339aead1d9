import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { latencySummary } from '../lib/latency-summary.js';
import { procCpuMicros } from '../lib/proc-cpu-micros.js';
import { coreBusyPercent, coreTimes } from '../lib/core-busy.js';
import { sleep } from '../lib/sleep.js';
import type { RelayFixture, RelayJob, RelayResult } from './load-types.js';
import { openAll } from './relay-connection.js';
import { relayDialect } from './relay-dialect.js';

const RING = 1 << 16;
let epoch = Math.floor(Math.random() * 0xffff_ffff);

/**
 * Relay traffic between pairs: A sends to B, either at a fixed total rate (spread evenly over the
 * pairs) or keeping a fixed number of messages in flight per pair (in flight = sent, not yet
 * received by B). Latency is send -> B receives, both stamped in this process.
 */
export async function runRelayJob(job: RelayJob): Promise<RelayResult> {
  const fixture = JSON.parse(readFileSync(job.fixtureFile, 'utf8')) as RelayFixture;
  const pairs = fixture.pairs.slice(0, job.pairs);
  const dialect = relayDialect(job.server);
  // A fresh prefix per job: envelopes parked from an earlier job (redelivered on connect) are ignored.
  const epochHex = ((epoch = (epoch + 1) >>> 0) >>> 0).toString(16).padStart(8, '0');
  const spread = (urls?: string[]) => (urls?.length ? (i: number) => urls[i % urls.length]! : job.url);
  const senders = await openAll(
    spread(job.senderUrls),
    dialect,
    pairs.map((p) => p.a),
    20,
  );
  const receivers = await openAll(
    spread(job.receiverUrls),
    dialect,
    pairs.map((p) => p.b),
    20,
  );

  const sendTimes = pairs.map(() => new Float64Array(RING));
  const seqs = new Array<number>(pairs.length).fill(0);
  const inFlight = new Array<number>(pairs.length).fill(0);
  const latencies = new Float64Array(4_000_000);
  let measuring = false;
  let stopped = false;
  let nLat = 0;
  let sent = 0;
  let delivered = 0;
  let errors = 0;
  let firstError: string | undefined;

  const sendOne = (i: number) => {
    const seq = ++seqs[i]!;
    const msgs = fixture.messages[i]!;
    const msgId = epochHex + seq.toString(16).padStart(24, '0');
    sendTimes[i]![seq & (RING - 1)] = performance.now();
    inFlight[i]!++;
    sent++;
    senders[i]!.send(dialect.send(pairs[i]!, seq, msgId, msgs[seq % msgs.length]!));
  };

  pairs.forEach((_, i) => {
    const onError = (text: string) => {
      errors++;
      firstError ??= text.slice(0, 300);
    };
    senders[i]!.onError = onError;
    receivers[i]!.onError = onError;
    receivers[i]!.onEnvelope = (msgId, now) => {
      if (!msgId.startsWith(epochHex)) return;
      const seq = parseInt(msgId.slice(8), 16);
      inFlight[i]!--;
      if (measuring) {
        delivered++;
        if (nLat < latencies.length) latencies[nLat++] = now - sendTimes[i]![seq & (RING - 1)]!;
      }
      if (job.mode.kind === 'window' && !stopped) sendOne(i);
    };
  });

  let timer: NodeJS.Timeout | undefined;
  const t0 = performance.now();
  if (job.mode.kind === 'window') {
    for (let i = 0; i < pairs.length; i++) for (let k = 0; k < job.mode.inFlight; k++) sendOne(i);
  } else {
    // Every millisecond, send what the schedule says is due, round-robin over the pairs.
    const perMs = job.mode.perSecond / 1000;
    let rr = 0;
    let scheduled = 0;
    timer = setInterval(() => {
      const due = Math.floor((performance.now() - t0) * perMs) - scheduled;
      for (let k = 0; k < due; k++) {
        sendOne(rr);
        rr = (rr + 1) % pairs.length;
      }
      scheduled += Math.max(0, due);
    }, 1);
  }

  await sleep(job.warmupMs);
  const extra = new ProcessSet(job.extraPids ?? []);
  const pgPids = job.pg ? await backendPids(job.pg.adminUrl, job.pg.database) : [];
  const pgCpu = new ProcessSet(pgPids);
  const redis = job.redisUrl ? new Redis(job.redisUrl) : undefined;
  const calls0 = redis ? await redisCalls(redis) : 0;
  const extra0 = extra.cpu();
  const pg0 = pgCpu.cpu();
  const cpu0 = procCpuMicros(job.serverPid);
  const own0 = process.cpuUsage();
  const cores0 = coreTimes();
  const w0 = performance.now();
  measuring = true;
  await sleep(job.measureMs);
  measuring = false;
  const w1 = performance.now();
  const cpu1 = procCpuMicros(job.serverPid);
  const extraMicros = extra.cpu() - extra0;
  const pgMicros = pgCpu.cpu() - pg0;
  const calls = redis ? (await redisCalls(redis)) - calls0 - 1 : undefined;
  redis?.disconnect();
  const own1 = process.cpuUsage(own0);
  const cores = coreBusyPercent(cores0, coreTimes());
  stopped = true;
  clearInterval(timer);
  // Let what is in flight arrive (and be acknowledged) before closing, so nothing is parked.
  const settleUntil = performance.now() + 3000;
  while (inFlight.some((n) => n > 0) && performance.now() < settleUntil) await sleep(20);
  await sleep(50);
  for (const c of [...senders, ...receivers]) c.close();
  await sleep(100);

  const windowMs = w1 - w0;
  const serverCpuMicros = cpu1 - cpu0 + extraMicros + pgMicros;
  return {
    sent,
    delivered,
    windowMs: Math.round(windowMs),
    perSecond: Math.round((delivered / windowMs) * 1000),
    serverCpuMicros: Math.round(serverCpuMicros),
    cpuMicrosPerEnvelope: Math.round((serverCpuMicros / Math.max(1, delivered)) * 100) / 100,
    serverCpuPercent: Math.round((serverCpuMicros / (windowMs * 1000)) * 1000) / 10,
    loadCpuPercent: Math.round(((own1.user + own1.system) / (windowMs * 1000)) * 1000) / 10,
    coreBusyPercent: cores,
    otherCpuPercent:
      Math.round(
        (cores.reduce((a, b) => a + b, 0) -
          serverCpuMicros / (windowMs * 10) -
          (own1.user + own1.system) / (windowMs * 10)) *
          10,
      ) / 10,
    latencyMs: latencySummary(latencies, nLat),
    errors,
    ...(firstError ? { firstError } : {}),
    ...(job.extraPids || job.pg
      ? {
          cpuMicrosBy: {
            server: Math.round(cpu1 - cpu0),
            extra: Math.round(extraMicros),
            postgres: Math.round(pgMicros),
          },
        }
      : {}),
    ...(calls !== undefined ? { redisCalls: calls } : {}),
  };
}

/** CPU of a set of processes; one that ended counts with what it had used when last seen. */
class ProcessSet {
  private readonly last = new Map<number, number>();
  constructor(private readonly pids: number[]) {}
  cpu(): number {
    let sum = 0;
    for (const pid of this.pids) {
      try {
        this.last.set(pid, procCpuMicros(pid));
      } catch {
        /* gone: keep its last reading */
      }
      sum += this.last.get(pid) ?? 0;
    }
    return sum;
  }
}

/** The PostgreSQL backends serving `database` now (the nodes' pools are warm by the window). */
async function backendPids(adminUrl: string, database: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      database,
    ]);
    return r.rows.map((x) => x.pid);
  } finally {
    await c.end();
  }
}

/** Commands Redis has run since it started (all of them: the bench's Redis is its own). */
async function redisCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let sum = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) sum += Number(m[1]);
  return sum;
}
