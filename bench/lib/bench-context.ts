import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchOptions } from './bench-options.js';
import { LoadGeneratorProcess } from './load-generator-process.js';
import { copyDataDir } from './omechat-data-dir.js';
import { isOmechat, spawnBenchServer, type BenchServer, type ServerKind } from './spawn-bench-server.js';
import { seedRelayFixtures, type RelayFixtures } from '../setup/seed-relay-fixtures.js';
import { seedIdleClients, type IdleFixtures } from '../setup/seed-idle-clients.js';

export const PAIRS = 100;
const IDLE_GOAL = 50_000;
/** Descriptors a server or load process keeps for itself (files, SQLite, IPC, listeners, workers). */
const FD_MARGIN = 2_000;

/** This process's soft open-files limit (children inherit it). */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s+/)[3]);
  return Number.isFinite(soft) ? soft : 1024;
}

/**
 * How scenario 3 holds its connections: `count` in all, connection i on process i mod `processes`
 * (of each server, and of the load generator), `perProcess[j]` on process j.
 */
export interface IdleLayout {
  count: number;
  processes: number;
  perProcess: number[];
  /** The per-process open-files limit the layout was made for. */
  fdLimit: number;
}

/** Shared by the scenarios of one run: options, fixtures made on first use, the load generators. */
export class BenchContext {
  readonly baselineSecret = randomBytes(16).toString('hex');
  private relay?: Promise<RelayFixtures>;
  private pgRelay?: Promise<RelayFixtures>;
  private idle?: Promise<IdleFixtures>;
  private lgs: Promise<LoadGeneratorProcess>[] = [];
  readonly setupMs: Record<string, number> = {};

  constructor(readonly opts: BenchOptions) {}

  /**
   * Issue 17: 50k idle connections, measured for real. One process can hold only its open-files
   * limit (run-all.ts tries to raise it; without CAP_SYS_RESOURCE the hard limit stays, 20k here),
   * so the connections are spread over k = ceil(50k / (limit - margin)) processes of each server
   * and of the load generator: 50k real sockets, never an extrapolation presented as 50k.
   */
  get idleLayout(): IdleLayout {
    const count = this.opts.quick ? 2000 : IDLE_GOAL;
    const fdLimit = openFilesLimit();
    const room = Math.max(1000, fdLimit - FD_MARGIN);
    const processes = Math.ceil(count / room);
    const perProcess = Array.from(
      { length: processes },
      (_, j) => Math.floor(count / processes) + (j < count % processes ? 1 : 0),
    );
    return { count, processes, perProcess, fdLimit };
  }

  relayFixtures(): Promise<RelayFixtures> {
    this.relay ??= seedRelayFixtures(PAIRS, this.opts.quick ? 16 : 64, this.baselineSecret).then((f) => {
      this.setupMs.relayFixtures = f.setupMs;
      return f;
    });
    return this.relay;
  }

  /** Fixtures for the PostgreSQL drain: one pair, seeded into `databaseUrl` (a template database). */
  postgresRelayFixtures(databaseUrl: string): Promise<RelayFixtures> {
    this.pgRelay ??= seedRelayFixtures(1, 16, this.baselineSecret, { DATABASE_URL: databaseUrl }).then(
      (f) => {
        this.setupMs.postgresRelayFixtures = f.setupMs;
        return f;
      },
    );
    return this.pgRelay;
  }

  idleFixtures(): Promise<IdleFixtures> {
    this.idle ??= seedIdleClients(this.idleLayout.count, this.baselineSecret).then((f) => {
      this.setupMs.idleFixtures = f.setupMs;
      return f;
    });
    return this.idle;
  }

  loadGenerator(): Promise<LoadGeneratorProcess> {
    return this.loadGenerators(1).then((lgs) => lgs[0]!);
  }

  /** `n` load generator processes (the first is the one of `loadGenerator()`), started on first use. */
  loadGenerators(n: number): Promise<LoadGeneratorProcess[]> {
    while (this.lgs.length < n) this.lgs.push(LoadGeneratorProcess.start());
    return Promise.all(this.lgs.slice(0, n));
  }

  /** Runs `fn` against a fresh server process (OmeChat on a copy of `template`), then stops it. */
  async withServer<T>(
    kind: ServerKind,
    opts: { template?: string; env?: Record<string, string>; cpuProfDir?: string },
    fn: (s: BenchServer) => Promise<T>,
  ): Promise<T> {
    const data = isOmechat(kind) && opts.template ? copyDataDir(opts.template) : null;
    const server = await spawnBenchServer(kind, {
      ...(data ? { dataDir: data.dir } : {}),
      env: { BENCH_TOKEN_SECRET: this.baselineSecret, ...opts.env },
      ...(opts.cpuProfDir ? { cpuProfDir: opts.cpuProfDir } : {}),
    });
    try {
      return await fn(server);
    } finally {
      await server.stop();
      data?.remove();
    }
  }

  /**
   * Runs `fn` against `n` fresh processes of one server (OmeChat: each on its own copy of
   * `template`), started one after another, then stops them all.
   */
  async withServers<T>(
    kind: ServerKind,
    n: number,
    opts: { template?: string; env?: Record<string, string> },
    fn: (s: BenchServer[]) => Promise<T>,
  ): Promise<T> {
    const started: { server: BenchServer; remove?: () => void }[] = [];
    try {
      for (let j = 0; j < n; j++) {
        const data = isOmechat(kind) && opts.template ? copyDataDir(opts.template) : null;
        try {
          const server = await spawnBenchServer(kind, {
            ...(data ? { dataDir: data.dir } : {}),
            env: { BENCH_TOKEN_SECRET: this.baselineSecret, ...opts.env },
          });
          started.push({ server, ...(data ? { remove: data.remove } : {}) });
        } catch (e) {
          data?.remove();
          throw e;
        }
      }
      return await fn(started.map((s) => s.server));
    } finally {
      for (const s of started) {
        await s.server.stop();
        s.remove?.();
      }
    }
  }

  /** Stops the load generators and removes the fixture directories (seeded data, credentials). */
  async close(): Promise<void> {
    for (const lg of this.lgs) await (await lg.catch(() => undefined))?.stop();
    for (const f of [this.relay, this.idle]) {
      const fixtures = await f?.catch(() => undefined);
      if (fixtures) rmSync(dirname(fixtures.templateDir), { recursive: true, force: true });
    }
  }
}
