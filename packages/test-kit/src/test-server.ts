import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer, type Config, type RunningServer, type StartOptions } from '@omechat/server';
import { appendRunLog, runLogFile } from './log-scan.js';
import { EVASION_TEST_ENV } from './evasion-test-env.js';
import { solveSignup } from './solve-signup.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  logs: string[];
  /** Every byte of every file in the data dir (database, WAL, shm), as latin1 text for grepping. */
  dataFilesText(): string;
  api(
    path: string,
    init?: { method?: string; body?: unknown; auth?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    headers: Headers;
  }>;
  /** Stops and starts again on the same data; `samePort` keeps the address (browsers reconnect to it). */
  restart(opts?: { samePort?: boolean; downMs?: number }): Promise<TestServer>;
  destroy(): Promise<void>;
}

/** A real server on an ephemeral port over real SQLite files in a fresh temp dir. */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: StartOptions & { dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'omechat-test-'));
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    SIGNUPS_PER_NETWORK_PER_HOUR: '100000',
    LOGINS_PER_NETWORK_PER_MINUTE: '100000',
    // argon2 workers at normal priority: on a machine busy with parallel test files, niced
    // workers would be starved and sign-ups would time out (the pool's own test checks the nice).
    ARGON2_NICE: '0',
    ...EVASION_TEST_ENV,
    ...env,
  });
  const logs: string[] = [];
  const runLog = runLogFile('log');
  const server = await startServer(config, {
    ...opts,
    logDestination: {
      write: (line: string) => {
        logs.push(line);
        appendRunLog(runLog, line);
      },
    },
  });
  recordUsernames(server.store);
  const self: TestServer = {
    ...server,
    dataDir,
    logs,
    dataFilesText() {
      return readdirSync(dataDir, { recursive: true })
        .map(String)
        .map((f) => {
          try {
            return readFileSync(join(dataDir, f)).toString('latin1');
          } catch {
            return '';
          }
        })
        .join('\n');
    },
    async api(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-type'] ??= 'application/json';
      if (init.auth) headers.authorization = `Bearer ${init.auth}`;
      const res = await fetch(server.url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body:
          init.body === undefined
            ? undefined
            : typeof init.body === 'string'
              ? init.body
              : JSON.stringify(init.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        /* leave as text */
      }
      return { status: res.status, body, headers: res.headers };
    },
    async restart(r = {}) {
      await server.close();
      if (r.downMs) await new Promise((resolve) => setTimeout(resolve, r.downMs));
      return startTestServer(r.samePort ? { ...env, PORT: String(server.port) } : env, { ...opts, dataDir });
    },
    async destroy() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

/** Notes every username the server stores, so the end-of-run scan looks for each in the logs. */
function recordUsernames(store: RunningServer['store']): void {
  const file = runLogFile('usernames');
  if (!file) return;
  const createUser = store.createUser.bind(store);
  store.createUser = async (user) => {
    appendRunLog(file, JSON.stringify(user.username) + '\n');
    return createUser(user);
  };
}

/**
 * Signs up as the SDK does (the secret made here, only its authenticator sent) and adds one client;
 * returns the credentials a test needs.
 */
export async function signUp(server: TestServer, username: string, age: number) {
  const secret = generateSecret();
  const authenticator = authenticatorFromSecret(secret);
  // Solves the sign-up challenge whenever the server asks for work (level above 0).
  const challenge = await server.api('/api/v1/accounts/challenge', { method: 'POST' });
  if (challenge.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
  const proof = await solveSignup(challenge.body);
  const acc = await server.api('/api/v1/accounts', {
    body: { username, age, authenticator, ...(proof ? { proof } : {}) },
  });
  if (acc.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(acc.body)}`);
  const cl = await server.api('/api/v1/clients', { body: { username, authenticator } });
  if (cl.status !== 201) throw new Error(`add client failed: ${JSON.stringify(cl.body)}`);
  return {
    user_hash: acc.body.user_hash as string,
    secret,
    authenticator,
    client_hash: cl.body.client_hash as string,
    access_token: cl.body.access_token as string,
    auth: `${cl.body.client_hash}.${cl.body.access_token}`,
  };
}
