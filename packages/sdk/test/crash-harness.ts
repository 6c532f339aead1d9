import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WebSocket } from 'ws';
import { spawnServer, type SpawnedServer } from '@omechat/test-kit';
import type { AccountRecord } from '../src/client-account.js';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import { OmeChatClient } from '../src/omechat-client.js';
import type { ChatSummary } from '../src/sdk-types.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same kill moments and pacing. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A fresh PostgreSQL database on TEST_DATABASE_URL's server, dropped by `drop`. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: base.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** `omechat serve` as a child process on a fixed port and data, killed with SIGKILL and restarted. */
export class CrashableServer {
  private proc: SpawnedServer | null = null;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'omechat-crash-'));

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string>): Promise<CrashableServer> {
    const s = new CrashableServer(await freePort(), env);
    await s.restart();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    // Generous: a restart on a busy machine (CI runners, shared cores) can take a while.
    this.proc = await spawnServer({ ...this.env, PORT: String(this.port) }, this.dataDir, {
      startTimeoutMs: 120_000,
    });
  }

  /** kill -9: no shutdown hook runs, whatever was only in memory is gone. */
  async kill(): Promise<void> {
    const child = this.proc?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    await this.proc?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A device that stays authenticated but reads nothing (its socket is paused). */
export async function stalledSocket(url: string, account: AccountRecord): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/api/v1/ws');
  ws.on('error', () => undefined);
  await once(ws, 'open');
  const authed = new Promise<void>((resolve, reject) => {
    ws.once('message', (d) => (String(d).includes('"auth.ok"') ? resolve() : reject(new Error(String(d)))));
  });
  ws.send(
    JSON.stringify({ type: 'auth', client_hash: account.client_hash, access_token: account.access_token }),
  );
  await authed;
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return ws;
}

export interface Device {
  client: OmeChatClient | null;
  keyStore: MemoryKeyStore;
  account: AccountRecord;
}

/** Signs up and in through the SDK, with its own key store (kept across restores). */
export async function newDevice(url: string, username: string, age: number): Promise<Device> {
  const acc = await OmeChatClient.createAccount(url, { username, age });
  const keyStore = new MemoryKeyStore();
  const client = await OmeChatClient.signIn({
    baseUrl: url,
    username,
    secret: acc.secret,
    keyStore,
    WebSocketImpl: WebSocket as never,
  });
  await client.connect();
  const account = (await keyStore.get<AccountRecord>('account'))!;
  return { client, keyStore, account };
}

/** Brings a device's SDK client back from its key store and connects it. */
export async function reopen(url: string, d: Device): Promise<OmeChatClient> {
  if (d.client) return d.client;
  const c = await OmeChatClient.restore({
    baseUrl: url,
    keyStore: d.keyStore,
    WebSocketImpl: WebSocket as never,
  });
  if (!c) throw new Error('the device could not be restored');
  d.client = c;
  await c.connect();
  return c;
}

/** Matches two connected devices through the queue; resolves with the chat. */
export async function match(a: OmeChatClient, b: OmeChatClient): Promise<ChatSummary> {
  const started = new Promise<ChatSummary>((r) => a.on('chat.started', r));
  if ((await a.findStranger(0)) !== 'waiting') throw new Error('expected to wait');
  if ((await b.findStranger(0)) !== 'matched') throw new Error('expected a match');
  return started;
}
