import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '@omechat/test-kit';

/**
 * The attack of issue 12: clients that send frames as fast as they can and never read the answers,
 * most of them without an account. Before, every frame was answered (each one over the rate with
 * its own RATE_LIMITED, binary frames before `auth` with INVALID_FRAME), and the answers piled up
 * in the server: from ~130 MB to over 1 GB in under a minute. Stated bound: the server's RSS stays
 * under 100 MiB above idle for the whole flood, with default settings.
 */
const FLOOD_MS = 20_000;
const RSS_BOUND = 100 * 1024 * 1024;
const UNAUTHENTICATED_FLOODERS = 4;

let server: SpawnedServer;
beforeAll(async () => {
  server = await spawnServer({ LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function account(name: string) {
  const post = async (path: string, body: unknown) =>
    (await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as Record<string, string>;
  const authenticator = randomBytes(32).toString('hex');
  await post('/api/v1/accounts', { username: name, age: 30, authenticator });
  return post('/api/v1/clients', { username: name, authenticator });
}

/**
 * `count` client frames (opcode 1 text, 2 binary) of one payload, encoded by hand with a zero mask,
 * so the client spends nothing per frame and the flood is as fast as the server can take it.
 */
function rawFrames(opcode: 1 | 2, payload: Buffer, count: number): Buffer {
  if (payload.length > 125) throw new Error('short payloads only');
  const one = Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
  return Buffer.concat(Array<Buffer>(count).fill(one));
}

/**
 * One flooding client: connects, stops reading, and writes `chunk` to the socket in a loop (keeping
 * its own send buffer small, so the test process does not grow instead); reconnects whenever it
 * is closed.
 */
async function flood(until: number, first: string | null, chunk: Buffer) {
  let opened = 0;
  while (Date.now() < until) {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/api/v1/ws');
    const ok = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
      ws.once('unexpected-response', () => resolve(false));
    });
    if (!ok) {
      ws.terminate();
      await sleep(20);
      continue;
    }
    opened++;
    const raw = (ws as unknown as { _socket: Socket })._socket;
    raw.pause();
    let closed = false;
    ws.once('close', () => (closed = true));
    if (first !== null) ws.send(first);
    await sleep(first === null ? 0 : 100);
    while (!closed && Date.now() < until) {
      if (raw.writableLength < 512 * 1024) raw.write(chunk);
      await sleep(1);
    }
    ws.terminate();
  }
  return opened;
}

describe('a flood of frames nobody reads', () => {
  it('keeps the server under 100 MiB above idle', async () => {
    const a = await account('flood_auth_a');
    await sleep(1000);
    const idle = server.rssBytes();
    let peak = idle;
    const poll = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 50);
    const until = Date.now() + FLOOD_MS;

    const binary = rawFrames(2, Buffer.from([0]), 10_000);
    const overRate = rawFrames(1, Buffer.from(JSON.stringify({ type: 'chats.list' })), 5_000);
    const invalid = rawFrames(1, Buffer.from(JSON.stringify({ type: 'no.such.frame', ref: 'x' })), 5_000);
    const floods = [
      // Without an account: binary frames, and text frames far over the rate.
      ...Array.from({ length: UNAUTHENTICATED_FLOODERS / 2 }, () => flood(until, null, binary)),
      ...Array.from({ length: UNAUTHENTICATED_FLOODERS / 2 }, () => flood(until, null, overRate)),
      // With an account: signed in, then invalid frames and frames over the rate, never read.
      flood(
        until,
        JSON.stringify({ type: 'auth', client_hash: a.client_hash, access_token: a.access_token }),
        Buffer.concat([invalid, overRate]),
      ),
    ];
    const opened = await Promise.all(floods);
    clearInterval(poll);
    const growth = peak - idle;
    console.log(
      `flood: ${opened.reduce((x, y) => x + y, 0)} sockets over ${FLOOD_MS} ms, RSS idle ${(idle / 2 ** 20).toFixed(0)} MiB, peak growth ${(growth / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(growth).toBeLessThan(RSS_BOUND);
    // The server still serves.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
