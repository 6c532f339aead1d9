import { readFileSync } from 'node:fs';
import { sleep } from '../lib/sleep.js';
import type { DrainFillJob, DrainJob, DrainResult, RelayFixture } from './load-types.js';
import { RelayConnection } from './relay-connection.js';
import { relayDialect } from './relay-dialect.js';

const dialect = relayDialect('omechat');

/** Pair 0's A sends `count` messages while B is offline, so they are all stored for B. */
export async function fillPending(job: DrainFillJob): Promise<{ stored: number; ms: number }> {
  const fixture = JSON.parse(readFileSync(job.fixtureFile, 'utf8')) as RelayFixture;
  const pair = fixture.pairs[0]!;
  const msgs = fixture.messages[0]!;
  const a = await RelayConnection.open(job.url, dialect, pair.a);
  let error = '';
  const t0 = performance.now();
  let sent = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    a.onError = (t) => {
      error ||= t;
      reject(new Error(`fill failed: ${t}`));
    };
    const next = () => {
      if (sent >= job.count) return;
      sent++;
      const msgId = sent.toString(16).padStart(32, '0');
      a.send(dialect.send(pair, sent, msgId, msgs[sent % msgs.length]!));
    };
    a.onAck = () => {
      if (++acked === job.count) resolve();
      else next();
    };
    for (let i = 0; i < job.inFlight; i++) next();
  });
  const ms = performance.now() - t0;
  a.close();
  await sleep(200);
  return { stored: acked, ms: Math.round(ms) };
}

/** B reconnects: time from opening the socket to the last stored envelope, and to sync.done. */
export async function runDrain(job: DrainJob): Promise<DrainResult> {
  const fixture = JSON.parse(readFileSync(job.fixtureFile, 'utf8')) as RelayFixture;
  const pair = fixture.pairs[0]!;
  let received = 0;
  let tLast = 0;
  let rateLimited = 0;
  const t0 = performance.now();
  // Stored envelopes arrive before sync.done (which resolves open), so count them from the start.
  // Large drains (100k on a cold PostgreSQL) may take a while before sync.done.
  const b = await RelayConnection.open(job.url, dialect, pair.b, Math.max(60_000, job.count * 3), (c) => {
    c.onEnvelope = (_msgId, now) => {
      received++;
      tLast = now;
    };
    c.onError = (text) => {
      if (text.includes('"RATE_LIMITED"')) rateLimited++;
    };
  });
  const tSync = performance.now();
  const until = performance.now() + Math.max(10_000, job.count * 2);
  while (received < job.count && performance.now() < until) await sleep(10);
  await sleep(100); // let the last acks reach the server
  b.close();
  await sleep(100);
  const msToLast = tLast - t0;
  return {
    count: job.count,
    received,
    msToLast: Math.round(msToLast),
    msToSyncDone: Math.round(tSync - t0),
    perSecond: Math.round((received / Math.max(1, msToLast)) * 1000),
    rateLimited,
  };
}
