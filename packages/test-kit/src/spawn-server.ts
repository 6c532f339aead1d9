import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVASION_TEST_ENV } from './evasion-test-env.js';
import { appendRunLog, runLogFile } from './log-scan.js';

// The server's own command, run from its TypeScript sources (bin/omechat-dev.js: tests need no
// build; bin/omechat.js is the same entry built).
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'bin', 'omechat-dev.js');

/** `omechat admin moderators add NAME` as its own process on a server's data: the token it prints once. */
export function addModerator(dataDir: string, name: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [BIN, 'admin', 'moderators', 'add', name],
      { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir }, timeout: 60_000 },
      (error, stdout) => {
        const token = /m[0-9a-f]{32}\.[A-Za-z0-9]{64}/.exec(stdout)?.[0];
        if (error || !token) reject(new Error(`moderators add failed: ${String(error)}`));
        else resolve(token);
      },
    ),
  );
}

export interface SpawnedServer {
  url: string;
  pid: number;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Runs `omechat serve` in its own process (for RSS measurements and crash tests). */
export async function spawnServer(
  env: Record<string, string> = {},
  dataDir?: string,
  opts: { startTimeoutMs?: number } = {},
): Promise<SpawnedServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'omechat-proc-'));
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      SIGNUPS_PER_NETWORK_PER_HOUR: '100000',
      LOGINS_PER_NETWORK_PER_MINUTE: '100000',
      // argon2 workers at normal priority: on a machine busy with parallel test files, niced
      // workers would be starved and sign-ups would time out (the pool's own test checks the nice).
      ARGON2_NICE: '0',
      ...EVASION_TEST_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL'); // no orphan server when a test gives up on it
      reject(new Error(`server did not start:\n${out}`));
    }, opts.startTimeoutMs ?? 90_000);
    const check = () => {
      const m = /OmeChat is running at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    dataDir: dir,
    child,
    output: () => out,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      // Its JSON log lines join the end-of-run scan (run-log-scan.ts).
      const runLog = runLogFile('log');
      const lines = out.split('\n').filter((l) => l.startsWith('{'));
      if (lines.length > 0) appendRunLog(runLog, lines.join('\n') + '\n');
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
