import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@omechat/protocol';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, randomMsgId } from './ws-test-client.js';

/**
 * Every socket's output is bounded (issue 12): one RATE_LIMITED per window, a socket that does not
 * read its answers stops being read and is closed, a binary frame before auth closes, sockets that
 * have not signed in are limited per network, oversized frames close with 1009, every refusal
 * carries the frame's ref, and a slow consumer is counted once.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: 'true',
    FRAMES_PER_SECOND: '20',
    MAX_FRAME_BYTES: '4096',
    UNAUTHENTICATED_SOCKETS_PER_NETWORK: '3',
  });
});
afterAll(async () => {
  await server.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const net = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const pauseReading = (c: WsTestClient) => (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
const resumeReading = (c: WsTestClient) =>
  (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
const errors = (c: WsTestClient, code: string) =>
  c.frames.filter((f): f is Extract<ServerFrame, { type: 'error' }> => f.type === 'error' && f.code === code);

interface RefusedUpgrade {
  status: number;
  headers: IncomingMessage['headers'];
  body: { error: { code: string } };
}

/** Opens a socket expecting the upgrade to be refused; returns the HTTP answer. */
function refusedUpgrade(url: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<RefusedUpgrade>((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { headers });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
  });
}

describe('input rate', () => {
  it('answers a flood with one RATE_LIMITED per window (with its ref) and drops the rest unread', async () => {
    const u = await signUp(server, 'ob_rate', 30);
    const c = await WsTestClient.authed(server.url, u);
    const started = Date.now();
    for (let i = 0; i < 400; i++) c.sendRaw(JSON.stringify({ ref: `f${i}`, type: 'chats.list' }));
    await sleep(1500);
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    const limited = errors(c, 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(windows);
    for (const l of limited) expect(l.ref).toMatch(/^f\d+$/);
    expect(c.ofType('chats').length).toBeLessThanOrEqual(20 * windows);
    // After the window the socket is read again and answers normally.
    expect((await c.request({ type: 'chats.list' })).type).toBe('chats');
    c.close();
  });

  it('closes a socket whose first frame is binary', async () => {
    const c = await WsTestClient.open(server.url);
    c.ws.send(Buffer.from([1, 2, 3]));
    expect(await c.closed()).toBe(4400);
    expect(errors(c, 'INVALID_FRAME')).toHaveLength(1);
  });
});

describe('sockets that have not signed in', () => {
  it('are limited per network hash with a typed refusal; signing in frees the slot', async () => {
    const a = await signUp(server, 'ob_slots', 30);
    const waiting = await Promise.all(
      [1, 2, 3].map(() => WsTestClient.open(server.url, net('198.51.100.7'))),
    );
    const refused = await refusedUpgrade(server.url, '/api/v1/ws', { 'x-forwarded-for': '198.51.100.7' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_CONNECTIONS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    // Another network is not affected.
    const other = await WsTestClient.open(server.url, net('203.0.113.50'));
    // Signing in (or closing) gives the slot back.
    const ok = await waiting[0]!.request({
      type: 'auth',
      client_hash: a.client_hash,
      access_token: a.access_token,
    });
    expect(ok.type).toBe('auth.ok');
    const fourth = await WsTestClient.open(server.url, net('198.51.100.7'));
    waiting[1]!.close();
    await waiting[1]!.closed();
    await sleep(50);
    const fifth = await WsTestClient.open(server.url, net('198.51.100.7'));
    for (const c of [...waiting, other, fourth, fifth]) c.close();
  });

  it('a plain GET of the socket path and an upgrade on another path are typed refusals', async () => {
    const plain = await server.api('/api/v1/ws');
    expect(plain.status).toBe(404);
    expect(plain.body.error.code).toBe('ROUTE_NOT_FOUND');
    const elsewhere = await refusedUpgrade(server.url, '/healthz?probe=1');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(server.logs.join('')).not.toContain('probe=1');
  });
});

describe('output', () => {
  it('stops reading a socket that does not read its answers, then closes it with SLOW_CONSUMER', async () => {
    const s = await startTestServer({
      FRAMES_PER_SECOND: '1000',
      SEND_BUFFER_BYTES: '16384',
      SLOW_CONSUMER_GRACE_MS: '300',
      BUNDLE_FETCHES_PER_PAIR_PER_HOUR: '1000000',
      METRICS_ENABLED: 'true',
    });
    try {
      // Three other devices with large bundles: each answer to bundles.fetch of oneself is ~48 KB.
      const u = await signUp(s, 'ob_noreader', 30);
      for (let i = 0; i < 3; i++) {
        const d = await s.api('/api/v1/clients', {
          body: { username: 'ob_noreader', authenticator: u.authenticator },
        });
        const dc = await WsTestClient.authed(s.url, d.body);
        await dc.request({ type: 'prekeys.upload', bundle: 'A'.repeat(16_000) });
        dc.close();
      }
      const c = await WsTestClient.authed(s.url, u);
      pauseReading(c);
      const frame = JSON.stringify({ type: 'bundles.fetch', user_hash: u.user_hash });
      const until = Date.now() + 5000;
      let sent = 0;
      while (Date.now() < until) {
        if (c.ws.bufferedAmount < 64 * 1024) {
          for (let i = 0; i < 4; i++) c.ws.send(frame);
          sent += 4;
        }
        await sleep(5);
      }
      resumeReading(c);
      // Closed with SLOW_CONSUMER (4503), or cut off (1006) when even the close frame could not
      // get through the full buffers in time.
      expect([4503, 1006]).toContain(await c.closed(10_000));
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(/^omechat_slow_consumers_closed_total (\d+)$/m.exec(metrics)![1]).toBe('1');
      // It stopped answering long before the flood ended: the socket was not read any more.
      expect(c.ofType('bundles').length).toBeLessThan(sent / 2);
    } finally {
      await s.destroy();
    }
  }, 30_000);

  it('counts each slow-consumer close once', async () => {
    const s = await startTestServer({
      METRICS_ENABLED: 'true',
      SEND_BUFFER_BYTES: '16384',
      SLOW_CONSUMER_GRACE_MS: '300',
      // The reader does not read: each live copy is parked after this instead of a second.
      LIVE_ACK_DEADLINE_MS: '50',
      MESSAGES_PER_SECOND: '100000',
      MESSAGE_BURST: '100000',
      FRAMES_PER_SECOND: '100000',
    });
    try {
      const { b, ca, cb, chat_id } = await matchedPair(s, ['ob_slow_a', 'ob_slow_b'], [30, 30], 0);
      await cb.waitType('sync.done');
      pauseReading(cb);
      const body = Buffer.alloc(48 * 1024, 1).toString('base64');
      const send = () =>
        ca.request({
          type: 'message.send',
          chat_id,
          msg_id: randomMsgId(),
          cf: CF,
          envelopes: [{ to_client: b.client_hash, ciphertext: body }],
        });
      // Until the stalled reader is closed, and on for a while after (each message kicks a drain).
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        await send();
        const m = /^omechat_slow_consumers_closed_total (\d+)$/m.exec(
          await (await fetch(`${s.url}/metrics`)).text(),
        );
        if (Number(m![1]) >= 1) break;
      }
      for (let i = 0; i < 40; i++) await send();
      await sleep(500);
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(/^omechat_slow_consumers_closed_total (\d+)$/m.exec(text)![1]).toBe('1');
      resumeReading(cb);
      // SLOW_CONSUMER (4503), or cut off (1006) when the close frame could not get through in time.
      expect([4503, 1006]).toContain(await cb.closed(10_000));
      ca.close();
    } finally {
      await s.destroy();
    }
  }, 60_000);
});

describe('oversized frames', () => {
  it('answers FRAME_TOO_LARGE with the ref (first or last bytes), and closes with 1009 past twice the limit', async () => {
    const u = await signUp(server, 'ob_big', 30);
    const c = await WsTestClient.authed(server.url, u);
    const pad = 'A'.repeat(5000);
    c.sendRaw(JSON.stringify({ ref: 'head', type: 'chats.list', pad }));
    c.sendRaw(JSON.stringify({ type: 'chats.list', pad, ref: 'tail' }));
    // Within the limit, failing the schema: the ref comes from the parsed frame, wherever it is.
    c.sendRaw(JSON.stringify({ type: 'typing', x: 'y'.repeat(3000), ref: 'middle', chat_id: 'nope' }));
    expect(await c.waitFor((f) => f.type === 'error' && f.ref === 'head')).toMatchObject({
      code: 'FRAME_TOO_LARGE',
    });
    expect(await c.waitFor((f) => f.type === 'error' && f.ref === 'tail')).toMatchObject({
      code: 'FRAME_TOO_LARGE',
    });
    expect(await c.waitFor((f) => f.type === 'error' && f.ref === 'middle')).toMatchObject({
      code: 'INVALID_INPUT',
    });
    const before = server.logs.length;
    c.sendRaw(JSON.stringify({ ref: 'huge', type: 'chats.list', pad: 'A'.repeat(9000) }));
    expect(await c.closed()).toBe(1009);
    await sleep(100);
    const lines = server.logs.slice(before).join('');
    expect(lines).toContain('websocket error');
    expect(lines).not.toContain('stack');
  });
});
