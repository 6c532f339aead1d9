import type { ServerKind } from '../lib/spawn-bench-server.js';

/** One connection's credentials: OmeChat client_hash + access_token, or a baseline id + HMAC token. */
export interface Creds {
  id: string;
  token: string;
}

/** A pre-encrypted message (real @omechat/crypto ciphertext) and its franking commitment. */
export interface SealedMessage {
  ciphertext: string;
  cf: string;
}

/** A sender A and a receiver B sharing a chat (chat_id is empty for the baselines). */
export interface RelayPair {
  a: Creds;
  b: Creds;
  chat_id: string;
}

/** Everything a load generator needs for relay traffic, prepared beforehand by the orchestrator. */
export interface RelayFixture {
  pairs: RelayPair[];
  /** messages[i] are A->B ciphertexts of pair i, cycled. */
  messages: SealedMessage[][];
}

export type RelayMode = { kind: 'rate'; perSecond: number } | { kind: 'window'; inFlight: number };

export interface RelayJob {
  type: 'relay';
  server: ServerKind;
  url: string;
  serverPid: number;
  fixtureFile: string;
  pairs: number;
  mode: RelayMode;
  warmupMs: number;
  measureMs: number;
  /** Several nodes (scenario 8): pair i's A connects to senderUrls[i % n], B to receiverUrls[i % n]. */
  senderUrls?: string[];
  receiverUrls?: string[];
  /** More processes whose CPU counts as the server's (the other nodes, Redis). */
  extraPids?: number[];
  /** PostgreSQL: the CPU of the backends serving this database (found at the window's start) counts too. */
  pg?: { adminUrl: string; database: string };
  /** Redis: commands it ran during the window (INFO commandstats), to count round trips. */
  redisUrl?: string;
}

export interface RelayResult {
  sent: number;
  /** Envelopes that reached their receiver inside the measured window. */
  delivered: number;
  windowMs: number;
  perSecond: number;
  /** Server CPU (all threads) during the window, µs, and per delivered envelope. */
  serverCpuMicros: number;
  cpuMicrosPerEnvelope: number;
  /** Server CPU use during the window (percent of one core). */
  serverCpuPercent: number;
  /** Load generator's own CPU use during the window (percent of one core): near 100 = it is the limit. */
  loadCpuPercent: number;
  /** Busy share of each core during the window from /proc/stat (counts softirq, i.e. loopback TCP). */
  coreBusyPercent: number[];
  /**
   * CPU the two cores spent on anything but the server and the load generator during the window
   * (percent of one core; both cores summed): other tenants of a shared machine. Near 0 when quiet.
   */
  otherCpuPercent: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number; mean: number; count: number };
  errors: number;
  firstError?: string;
  /** With `extraPids`/`pg`: each part of serverCpuMicros (nodes, Redis and others, PostgreSQL backends). */
  cpuMicrosBy?: { server: number; extra: number; postgres: number };
  /** With `redisUrl`: Redis commands run during the window. */
  redisCalls?: number;
}

export interface IdleOpenJob {
  type: 'idle.open';
  server: ServerKind;
  url: string;
  credsFile: string;
  /** Credentials start, start + step, … of the file, `count` of them (one load process of several). */
  start: number;
  step: number;
  count: number;
  concurrency: number;
  /** Per connection, from the socket's open to ready (scaled by the orchestrator for the load). */
  timeoutMs: number;
  /** Names this job in its progress lines. */
  label: string;
}

export interface DrainFillJob {
  type: 'drain.fill';
  url: string;
  fixtureFile: string;
  count: number;
  inFlight: number;
}

export interface DrainJob {
  type: 'drain.run';
  url: string;
  fixtureFile: string;
  count: number;
}

export interface DrainResult {
  count: number;
  received: number;
  /** From opening the socket to the last stored envelope received / to sync.done. */
  msToLast: number;
  msToSyncDone: number;
  perSecond: number;
  /** Frames of B (acks) the server refused with RATE_LIMITED (its per-connection queue was full). */
  rateLimited: number;
}

export type LoadJob = RelayJob | IdleOpenJob | { type: 'idle.close' } | DrainFillJob | DrainJob;
