import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { procCpuMicros } from './proc-cpu-micros.js';
import { SERVER_CORE, spawnPinned } from './spawn-pinned.js';

/** `omechat-store`: OmeChat with DELIVERY_ACK=store (design (a) of docs/protocol.md), scenarios 1-2. */
export type ServerKind = 'ws' | 'socketio' | 'omechat' | 'omechat-store';

export const isOmechat = (kind: ServerKind): boolean => kind === 'omechat' || kind === 'omechat-store';

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(BENCH_DIR, '..');
// The built server, as `npm start` runs it (npm run bench builds first); the source one (tsx) for
// scenario 8's comparison.
const OMECHAT_BIN = join(REPO_DIR, 'packages', 'server', 'bin', 'omechat.js');
const OMECHAT_DEV_BIN = join(REPO_DIR, 'packages', 'server', 'bin', 'omechat-dev.js');
const PROBE = pathToFileURL(join(BENCH_DIR, 'servers', 'memory-probe.mjs')).href;

/** Rate limits opened up: the benchmark measures the relay, not the abuse guards. */
export const OMECHAT_BENCH_ENV: Record<string, string> = {
  MESSAGES_PER_SECOND: '1000000',
  MESSAGE_BURST: '1000000',
  FRAMES_PER_SECOND: '1000000',
  SIGNUPS_PER_NETWORK_PER_HOUR: '1000000',
  LOGINS_PER_NETWORK_PER_MINUTE: '1000000',
  LOGINS_PER_ACCOUNT_NETWORK_PER_15MIN: '1000000',
  UNAUTHENTICATED_SOCKETS_PER_NETWORK: '1000000',
  UNAUTHENTICATED_SOCKETS_MAX: '1000000',
  PENDING_ENVELOPES_PER_DEVICE: '100000000',
  PENDING_BYTES_PER_DEVICE: '100000000000',
  BUNDLE_FETCHES_PER_PAIR_PER_HOUR: '1000000',
  // Ban-evasion layers (sign-up work, probation, per-account limits) out of the way, except in the PoW bench.
  POW_MIN_LEVEL: '0',
  POW_NETWORK_SIGNUPS_PER_STEP: '1000000',
  POW_GLOBAL_SIGNUPS_PER_STEP: '1000000',
  CHALLENGES_PER_NETWORK_PER_HOUR: '1000000',
  PROBATION_DAYS: '0',
  PROBATION_CHATS: '0',
  MESSAGES_PER_MINUTE_PER_ACCOUNT: '1000000000',
  SKIPS_PER_HOUR: '1000000',
  RAPID_NEXT_COUNT: '1000',
  INVITATIONS_PER_HOUR: '1000000',
  BROWSES_PER_MINUTE: '1000000',
  METRICS_ENABLED: 'true',
  LOG_LEVEL: 'warn',
};

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface BenchServer {
  kind: ServerKind;
  url: string;
  pid: number;
  dataDir: string | null;
  cpuMicros(): number;
  /** Full GC then process.memoryUsage() inside the server (bench/servers/memory-probe.mjs). */
  memory(): Promise<MemorySample>;
  /** Writes a V8 heap snapshot of the server to `file` (after a GC). */
  heapSnapshot(file: string): Promise<string>;
  /** The `/metrics` counter of that name (OmeChat with METRICS_ENABLED only). */
  metric(name: string): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Extra env for the server (OmeChat: config variables; baselines: BENCH_TOKEN_SECRET). */
  env?: Record<string, string>;
  /** OmeChat's DATA_DIR; a fresh temporary one (removed on stop) when absent. */
  dataDir?: string;
  /** null runs unpinned (setup only); default the server core. */
  core?: number | null;
  /** Write a V8 CPU profile (.cpuprofile) of the server into this directory on exit. */
  cpuProfDir?: string;
  /** OmeChat only: run the TypeScript sources through tsx (bin/omechat-dev.js) instead of dist. */
  fromSource?: boolean;
}

/** Starts one benchmarked server as its own process, pinned to the server core, on 127.0.0.1. */
export async function spawnBenchServer(kind: ServerKind, opts: SpawnOptions = {}): Promise<BenchServer> {
  const ownDir = isOmechat(kind) && !opts.dataDir ? mkdtempSync(join(tmpdir(), 'omechat-bench-')) : null;
  const dataDir = opts.dataDir ?? ownDir;
  const nodeOptions = ['--expose-gc', `--import=${PROBE}`];
  // Node 20 refuses --cpu-prof in NODE_OPTIONS, so it goes on the command line.
  const profArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: nodeOptions.join(' '),
    PORT: '0',
    HOST: '127.0.0.1',
    ...(isOmechat(kind) ? { ...OMECHAT_BENCH_ENV, DATA_DIR: dataDir! } : {}),
    ...(kind === 'omechat-store' ? { DELIVERY_ACK: 'store' } : {}),
    ...opts.env,
  };
  const args = [
    ...profArgs,
    ...(isOmechat(kind)
      ? [opts.fromSource ? OMECHAT_DEV_BIN : OMECHAT_BIN, 'serve']
      : [
          '--conditions=source',
          '--import',
          'tsx',
          join(BENCH_DIR, 'servers', kind === 'ws' ? 'ws-relay-server.ts' : 'socketio-relay-server.ts'),
        ]),
  ];
  const child: ChildProcess = spawnPinned(opts.core === undefined ? SERVER_CORE : opts.core, args, env);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL'); // no orphan server when the bench gives up on it
      reject(new Error(`${kind} server did not start:\n${out}`));
    }, 60_000);
    const check = () => {
      const m = /(?:OmeChat is running|relay listening) at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${kind} server exited with ${code}:\n${out}`));
    });
  });

  let probeId = 0;
  return {
    kind,
    url,
    pid: child.pid!,
    dataDir,
    cpuMicros: () => procCpuMicros(child.pid!),
    memory() {
      const id = ++probeId;
      return new Promise<MemorySample>((resolveMem, reject) => {
        const t = setTimeout(() => reject(new Error('memory probe timed out')), 10_000);
        const onMessage = (m: { type?: string; id?: number } & MemorySample) => {
          if (m?.type !== 'bench.memory' || m.id !== id) return;
          clearTimeout(t);
          child.off('message', onMessage);
          const { rss, heapUsed, heapTotal, external, arrayBuffers } = m;
          resolveMem({ rss, heapUsed, heapTotal, external, arrayBuffers });
        };
        child.on('message', onMessage);
        child.send({ type: 'bench.memory', id });
      });
    },
    heapSnapshot(file: string) {
      const id = ++probeId;
      return new Promise<string>((resolveFile, reject) => {
        const t = setTimeout(() => reject(new Error('heap snapshot timed out')), 60_000);
        const onMessage = (m: { type?: string; id?: number; file?: string }) => {
          if (m?.type !== 'bench.heapsnapshot' || m.id !== id) return;
          clearTimeout(t);
          child.off('message', onMessage);
          resolveFile(m.file!);
        };
        child.on('message', onMessage);
        child.send({ type: 'bench.heapsnapshot', id, file });
      });
    },
    async metric(name: string) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : NaN;
    },
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** A process's resident set from /proc (scenario 9 reads it when the server starts listening). */
export function procRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}
