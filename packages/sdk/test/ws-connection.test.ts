// Over 400 lines on purpose: one WsConnection behaviour per test (requests, replies, reconnects,
// invalid frames, stopping) against a real ws peer; the groups share the peer and helpers at the top.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  WsConnection,
  type WebSocketConstructor,
  type WsConnectionEvents,
  type WsConnectionOptions,
} from '../src/ws-connection.js';
import { WsTestPeer } from './ws-test-peer.js';
import { rejection } from './rejection.js';

const CLIENT = 'c'.repeat(64);
const TOKEN = 'T'.repeat(64);

let peer: WsTestPeer;
const conns: WsConnection[] = [];

beforeEach(async () => {
  peer = new WsTestPeer();
  peer.tokens.set(CLIENT, TOKEN);
  await peer.start();
});
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await peer.stop();
});

function connection(opts: Partial<WsConnectionOptions> = {}): WsConnection {
  const c = new WsConnection({
    url: peer.url,
    client_hash: CLIENT,
    access_token: TOKEN,
    WebSocketImpl: WebSocket,
    backoff: { initialMs: 20, maxMs: 200 },
    requestTimeoutMs: 5_000,
    ...opts,
  });
  conns.push(c);
  return c;
}

function next<K extends keyof WsConnectionEvents>(
  c: WsConnection,
  event: K,
  ms = 5_000,
): Promise<WsConnectionEvents[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${String(event)} within ${ms} ms`)), ms);
    c.once(event, (p) => {
      clearTimeout(t);
      resolve(p);
    });
  });
}

/** Records every event of the given names, in order. */
function record(c: WsConnection, names: (keyof WsConnectionEvents)[]): { name: string; payload: unknown }[] {
  const log: { name: string; payload: unknown }[] = [];
  for (const name of names) c.on(name, (payload) => log.push({ name, payload }));
  return log;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WsConnection: connecting and authenticating', () => {
  it('sends auth as the first frame, with credentials only in the frame, and opens', async () => {
    const c = connection();
    const log = record(c, ['state', 'open']);
    const ok = await c.connect();
    expect(ok).toMatchObject({ type: 'auth.ok', client_hash: CLIENT });
    expect(c.state).toBe('open');
    expect(log.map((e) => (e.name === 'state' ? e.payload : e.name))).toEqual(['connecting', 'open', 'open']);

    await c.request({ type: 'chats.list' });
    const [conn] = peer.connections;
    expect(conn!.url).toBe('/api/v1/ws');
    expect(conn!.url).not.toContain(TOKEN);
    expect(conn!.frames[0]).toMatchObject({ type: 'auth', client_hash: CLIENT, access_token: TOKEN });
    expect(conn!.frames[1]).toMatchObject({ type: 'chats.list' });
    // connect() once open resolves at once with the same frame
    expect(await c.connect()).toBe(ok);
  });

  it('takes the browser WebSocket as well as the ws package one (a compile-time check)', () => {
    const browserCtor: WebSocketConstructor | undefined = globalThis.WebSocket;
    const nodeCtor: WebSocketConstructor = WebSocket;
    expect(typeof nodeCtor).toBe('function');
    expect(browserCtor === undefined || typeof browserCtor === 'function').toBe(true);
  });

  it('refuses a non-WebSocket URL', () => {
    expect(() => connection({ url: 'http://127.0.0.1:1/api/v1/ws' })).toThrow(TypeError);
  });
});

describe('WsConnection: requests', () => {
  it('correlates concurrent replies by ref and emits them as typed events too', async () => {
    const c = connection();
    await c.connect();
    const typed: unknown[] = [];
    const all: unknown[] = [];
    c.on('chats', (f) => typed.push(f));
    c.on('frame', (f) => all.push(f));
    const replies = await Promise.all([
      c.request({ type: 'chats.list' }),
      c.request({ type: 'typing', chat_id: 'a'.repeat(32), typing: true }),
      c.request({ type: 'chats.list' }),
    ]);
    expect(replies.map((r) => r.type)).toEqual(['chats', 'ok', 'chats']);
    const refs = peer.connections[0]!.frames.slice(1).map((f) => f.ref);
    expect(new Set(refs).size).toBe(3);
    expect(replies.map((r) => r.ref)).toEqual(refs);
    expect(typed).toHaveLength(2);
    expect(all).toHaveLength(3);
  });

  it('rejects with the OmeChatError of an error frame carrying the ref', async () => {
    const c = connection();
    await c.connect();
    const err = await rejection(c.request({ type: 'match.join', tolerance: 2 }));
    expect(err.code).toBe('ALREADY_IN_CHAT');
    expect(err.status).toBe(409);
    // The connection is still fine.
    expect((await c.request({ type: 'chats.list' })).type).toBe('chats');
  });

  it('times out a request the server never answers', async () => {
    const c = connection();
    await c.connect();
    const started = Date.now();
    const err = await rejection(c.request({ type: 'match.cancel' }, { timeoutMs: 150 }));
    expect(err.code).toBe('SERVICE_BUSY');
    expect(err.message).toMatch(/did not reply to match\.cancel in time/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('send() is fire and forget and reports whether the frame went out', async () => {
    const c = connection();
    expect(c.send({ type: 'typing', chat_id: 'a'.repeat(32), typing: true })).toBe(false);
    await c.connect();
    expect(c.send({ type: 'typing', chat_id: 'a'.repeat(32), typing: false })).toBe(true);
    await c.request({ type: 'chats.list' });
    expect(peer.connections[0]!.frames.map((f) => f.type)).toEqual(['auth', 'typing', 'chats.list']);
  });
});

describe('WsConnection: server frames', () => {
  it('emits pushed frames by type and drops anything off the schemas with an INVALID_SERVER_FRAME event', async () => {
    const c = connection();
    await c.connect();
    const frames: unknown[] = [];
    const invalid: string[] = [];
    c.on('frame', (f) => frames.push(f));
    c.on('invalid', (e) => invalid.push(e.code));
    const ended = next(c, 'chat.ended');
    for (const junk of [
      'not json',
      '[1,2]',
      '42',
      'null',
      '"text"',
      '{"no":"type"}',
      '{"type":7}',
      '{"type":null}',
      '{"type":"chat.ended","chat_id":"../../etc","reason":"left"}',
      '{"type":"typing","chat_id":"' + 'a'.repeat(32) + '"}',
    ]) {
      peer.broadcastRaw(junk);
    }
    peer.broadcastRaw(JSON.stringify({ type: 'chat.ended', chat_id: 'a'.repeat(32), reason: 'left' }));
    expect(await ended).toEqual({ type: 'chat.ended', chat_id: 'a'.repeat(32), reason: 'left' });
    expect(frames).toHaveLength(1);
    expect(invalid).toEqual(Array(10).fill('INVALID_SERVER_FRAME'));
    expect(c.state).toBe('open');
  });

  it('a throwing listener does not break the connection', async () => {
    const c = connection();
    await c.connect();
    const errors: unknown[] = [];
    const g = globalThis as { reportError?: (e: unknown) => void };
    const saved = g.reportError;
    g.reportError = (e) => errors.push(e);
    try {
      c.on('chats', () => {
        throw new Error('listener bug');
      });
      expect((await c.request({ type: 'chats.list' })).type).toBe('chats');
      expect(errors).toHaveLength(1);
    } finally {
      g.reportError = saved;
    }
  });
});

describe('WsConnection: reconnecting', () => {
  it('reconnects after the server drops the socket, re-authenticates and emits open again', async () => {
    const c = connection();
    await c.connect();
    const inFlight = rejection(c.request({ type: 'match.cancel' })); // sent, never answered
    await sleep(50);
    const log = record(c, ['close', 'reconnecting', 'open', 'state']);
    const reopened = next(c, 'open');
    peer.dropAll();
    await reopened;

    const lost = await inFlight;
    expect(lost.code).toBe('SERVICE_BUSY');
    expect(lost.message).toMatch(/may or may not have been applied/);
    expect(log.map((e) => e.name + (e.name === 'state' ? `:${String(e.payload)}` : ''))).toEqual([
      'close',
      'state:reconnecting',
      'reconnecting',
      'state:connecting',
      'state:open',
      'open',
    ]);
    expect(log[0]!.payload).toMatchObject({ willReconnect: true });
    expect(peer.connections).toHaveLength(2);
    expect(peer.connections[1]!.frames[0]).toMatchObject({ type: 'auth', access_token: TOKEN });
    expect((await c.request({ type: 'chats.list' })).type).toBe('chats');
  });

  it('requests made during an outage wait and complete after the reconnection', async () => {
    const c = connection({ random: () => 0.5 });
    await c.connect();
    const delays: number[] = [];
    c.on('reconnecting', (r) => delays.push(r.delayMs));
    await peer.stop();
    await next(c, 'reconnecting');
    expect(c.state).not.toBe('open');
    const waiting = [c.request({ type: 'chats.list' }), c.request({ type: 'match.join', tolerance: 1 })];
    await sleep(400); // several failed attempts
    await peer.start();
    const [list, join] = await Promise.allSettled(waiting);
    expect(list).toMatchObject({ status: 'fulfilled', value: { type: 'chats' } });
    expect(join).toMatchObject({ status: 'rejected', reason: { code: 'ALREADY_IN_CHAT' } });
    // Queued requests go out first after auth, in the order they were made.
    const last = peer.connections.at(-1)!;
    expect(last.frames.map((f) => f.type)).toEqual(['auth', 'chats.list', 'match.join']);
    // Exponential backoff with jitter 0.5 -> 75% of 20, 40, 80, 160, then the 200 ms cap.
    expect(delays.slice(0, 5)).toEqual([15, 30, 60, 120, 150]);
  });

  it('a request waiting for a reconnection still honours its timeout', async () => {
    const c = connection();
    await c.connect();
    await peer.stop();
    await next(c, 'reconnecting');
    const err = await rejection(c.request({ type: 'chats.list' }, { timeoutMs: 100 }));
    expect(err.code).toBe('SERVICE_BUSY');
  });

  it('the backoff resets after a successful connection', async () => {
    const c = connection({ random: () => 1 });
    await c.connect();
    const delays: number[] = [];
    c.on('reconnecting', (r) => delays.push(r.delayMs));
    peer.dropAll();
    await next(c, 'open');
    peer.dropAll();
    await next(c, 'open');
    expect(delays).toEqual([20, 20]);
  });

  it('abandons an attempt that gets no auth.ok within connectTimeoutMs and dials again', async () => {
    peer.ignoreAuth = true;
    const c = connection({ connectTimeoutMs: 100 });
    const opened = c.connect();
    await next(c, 'reconnecting');
    peer.ignoreAuth = false;
    await opened;
    expect(peer.connections.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(peer.connections[0]!.socket.readyState).toBe(WebSocket.CLOSED));
  });

  it('retries an auth refused for a passing reason (RATE_LIMITED) and opens once it clears', async () => {
    peer.authError = 'RATE_LIMITED';
    const c = connection();
    const opened = c.connect();
    await next(c, 'reconnecting');
    await next(c, 'reconnecting');
    peer.authError = null;
    await opened;
    expect(peer.connections.length).toBeGreaterThanOrEqual(3);
  });
});

describe('WsConnection: stopping for good', () => {
  it('stops on UNAUTHENTICATED at connect: rejects, emits unauthenticated, never redials', async () => {
    const c = connection({ access_token: 'W'.repeat(64) });
    const unauth = next(c, 'unauthenticated');
    const err = await rejection(c.connect());
    expect(err.code).toBe('UNAUTHENTICATED');
    expect((await unauth).code).toBe('UNAUTHENTICATED');
    expect(c.state).toBe('closed');
    await sleep(300);
    expect(peer.connections).toHaveLength(1);
    expect((await rejection(c.request({ type: 'chats.list' }))).code).toBe('UNAUTHENTICATED');
  });

  it('stops when a revoked token is refused on reconnection, failing queued requests', async () => {
    const c = connection();
    await c.connect();
    peer.tokens.delete(CLIENT); // revoked while connected
    const unauth = next(c, 'unauthenticated');
    const closeEvents: unknown[] = [];
    c.on('close', (e) => closeEvents.push(e));
    peer.dropAll();
    await next(c, 'reconnecting');
    const queued = rejection(c.request({ type: 'chats.list' })); // queued: not connected now
    expect((await unauth).code).toBe('UNAUTHENTICATED');
    expect((await queued).code).toBe('UNAUTHENTICATED');
    expect(c.state).toBe('closed');
    await sleep(300);
    expect(peer.connections).toHaveLength(2);
    expect(closeEvents).toEqual([{ code: 1006, reason: '', willReconnect: true }]);
  });

  it('stops when the server says the token is no longer valid on an open connection', async () => {
    const c = connection();
    await c.connect();
    const unauth = next(c, 'unauthenticated');
    const closed = next(c, 'close');
    for (const conn of peer.connections) conn.socket.close(4401, 'UNAUTHENTICATED');
    expect((await unauth).code).toBe('UNAUTHENTICATED');
    expect(await closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED', willReconnect: false });
    await sleep(200);
    expect(peer.connections).toHaveLength(1);
  });

  it('stops when another connection of the same client takes over (ALREADY_AUTHENTICATED)', async () => {
    const c = connection();
    await c.connect();
    const replaced = next(c, 'replaced');
    peer.broadcastRaw(
      JSON.stringify({ type: 'error', code: 'ALREADY_AUTHENTICATED', message: 'x', status: 409 }),
    );
    expect((await replaced).code).toBe('ALREADY_AUTHENTICATED');
    expect(c.state).toBe('closed');
    await sleep(200);
    expect(peer.connections).toHaveLength(1);
  });

  it('stops on ACCOUNT_BANNED and hands over the sanction parsed; pending requests fail with it', async () => {
    const c = connection();
    await c.connect();
    const banned = next(c, 'banned');
    const pending = c.request({ type: 'chats.list' }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    const sanction = {
      strike_id: 'a'.repeat(32),
      kind: 'ban',
      reason: 'age_lie',
      status: 'active',
      created_at: 1,
      ends_at: null,
      appeal_id: 'b'.repeat(32),
      appeal_until: 2,
      appeal: null,
      statement: {
        decision: 'ban',
        restrictions: 'You cannot sign in.',
        starts_at: 1,
        ends_at: null,
        duration: 'permanent',
        facts: 'The facts.',
        triggered_by_report: true,
        automated_detection: false,
        automated_decision: false,
        rule: 'age_lie',
        rule_explanation: 'Your real age.',
        redress: 'Appeal.',
      },
    };
    peer.broadcastRaw(
      JSON.stringify({ type: 'error', code: 'ACCOUNT_BANNED', message: 'x', status: 403, sanction }),
    );
    const err = await banned;
    expect(err.code).toBe('ACCOUNT_BANNED');
    expect(err.sanction).toEqual(sanction);
    expect(await pending).toBe(err);
    expect(c.state).toBe('closed');
    await sleep(200);
    expect(peer.connections).toHaveLength(1);
  });

  it('an error frame whose sanction does not parse is dropped as invalid; close 4403 alone means banned', async () => {
    const c = connection();
    await c.connect();
    const invalid = next(c, 'invalid');
    peer.broadcastRaw(
      JSON.stringify({
        type: 'error',
        code: 'ACCOUNT_BANNED',
        message: 'x',
        status: 403,
        sanction: { kind: 'ban' },
      }),
    );
    // The server is untrusted input: a frame that fails its schema is dropped whole, never half-read.
    expect((await invalid).code).toBe('INVALID_SERVER_FRAME');

    const d = connection();
    await d.connect();
    const closedBanned = next(d, 'banned');
    for (const conn of peer.connections) conn.socket.close(4403, 'ACCOUNT_BANNED');
    expect((await closedBanned).code).toBe('ACCOUNT_BANNED');
    expect(d.state).toBe('closed');
  });

  it('close() closes the socket, fails pending requests and never reconnects', async () => {
    const c = connection();
    await c.connect();
    const pending = c.request({ type: 'match.cancel' });
    await sleep(30);
    const closed = next(c, 'close');
    c.close();
    expect(await closed).toMatchObject({ willReconnect: false });
    expect(c.state).toBe('closed');
    expect((await rejection(pending)).code).toBe('SERVICE_BUSY');
    expect((await rejection(c.request({ type: 'chats.list' }))).message).toMatch(/closed/);
    expect(c.send({ type: 'typing', chat_id: 'a'.repeat(32), typing: true })).toBe(false);
    await sleep(200);
    expect(peer.openCount).toBe(0);
    expect(peer.connections).toHaveLength(1);
  });

  it('close() during an outage cancels the pending reconnection', async () => {
    const c = connection();
    await c.connect();
    await peer.stop();
    await next(c, 'reconnecting');
    c.close();
    await peer.start();
    await sleep(300);
    expect(peer.connections).toHaveLength(1);
    await expect(c.connect()).rejects.toThrow(/closed/);
  });
});
