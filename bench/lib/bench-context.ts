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

/** This process's soft open-files limit (children inherit it). */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = Number(line?.split(/\s+/)[3]);
  return Number.isFinite(soft) ? soft : 1024;
}

/** Shared by the scenarios of one run: options, fixtures made on first use, the load generator. */
export class BenchContext {
  readonly baselineSecret = randomBytes(16).toString('hex');
  private relay?: Promise<RelayFixtures>;
  private pgRelay?: Promise<RelayFixtures>;
  private idle?: Promise<IdleFixtures>;
  private lg?: Promise<LoadGeneratorProcess>;
  readonly setupMs: Record<string, number> = {};

  constructor(readonly opts: BenchOptions) {}

  /**
   * Issue 17: 50k idle connections, measured for real (run-all.ts raises the open-files limit). Where
   * the hard limit cannot be raised (no CAP_SYS_RESOURCE), as many as the limit allows the server
   * process, with a warning: never an extrapolation presented as 50k.
   */
  get idleCount(): number {
    if (this.opts.quick) return 2000;
    const room = Math.floor((openFilesLimit() - 1000) / 1000) * 1000;
    if (room < IDLE_GOAL)
      console.warn(
        `! open-files limit ${openFilesLimit()}: scenario 3 measures ${room} connections, not ${IDLE_GOAL}`,
      );
    return Math.min(IDLE_GOAL, room);
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
    this.idle ??= seedIdleClients(this.idleCount, this.baselineSecret).then((f) => {
      this.setupMs.idleFixtures = f.setupMs;
      return f;
    });
    return this.idle;
  }

  loadGenerator(): Promise<LoadGeneratorProcess> {
    this.lg ??= LoadGeneratorProcess.start();
    return this.lg;
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

  /** Stops the load generator and removes the fixture directories (seeded data, credentials). */
  async close(): Promise<void> {
    if (this.lg) await (await this.lg).stop();
    for (const f of [this.relay, this.idle]) {
      const fixtures = await f?.catch(() => undefined);
      if (fixtures) rmSync(dirname(fixtures.templateDir), { recursive: true, force: true });
    }
  }
}
