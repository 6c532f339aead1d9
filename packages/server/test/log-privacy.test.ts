import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLogLines, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, b64, randomMsgId } from './ws-test-client.js';

/**
 * Issue 12: no URL, query, IP, token, secret or username in any log line, from any path: ours,
 * fastify's, node's HTTP parser's and the WebSocket plugin's. One server at `trace` level is driven
 * through good and bad requests of every kind, then every line it wrote is scanned. (Every log line
 * of the whole test run is scanned as well when the run ends: run-log-scan.ts.)
 */
const STRANGER_IP = '203.0.113.9';
const QUERY_VALUE = 'q5ecr3tQueryValue';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'trace', TRUST_PROXY: 'true', MAX_FRAME_BYTES: '4096' });
});
afterAll(async () => {
  await server.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fromStranger = { 'x-forwarded-for': STRANGER_IP };

function raw(text: string) {
  const { port } = new URL(server.url);
  return new Promise<void>((resolve) => {
    const sock = connect(Number(port), '127.0.0.1', () => sock.write(text));
    sock.on('data', () => undefined);
    sock.on('error', () => resolve());
    sock.on('close', () => resolve());
  });
}

function upgrade(path: string) {
  return new Promise<void>((resolve) => {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + path, { headers: fromStranger });
    ws.on('error', () => resolve());
    ws.on('unexpected-response', () => resolve());
    ws.on('open', () => {
      ws.close();
      resolve();
    });
  });
}

describe('log privacy', () => {
  it('no log line of a server driven through good and bad paths holds a URL, IP, token, secret or username', async () => {
    const q = `?token=${QUERY_VALUE}&secret=${QUERY_VALUE}`;
    // HTTP, the good paths.
    const { a, b, ca, cb, chat_id } = await matchedPair(
      server,
      ['logpriv_alice', 'logpriv_bob'],
      [30, 31],
      1,
    );
    await server.api(`/api/v1/account${q}`, { auth: a.auth, headers: fromStranger });
    await server.api(`/api/v1/clients${q}`, { auth: a.auth });
    const laptop = (
      await server.api('/api/v1/clients', {
        body: { username: 'logpriv_alice', authenticator: a.authenticator, label: 'Laptop' },
      })
    ).body as { client_hash: string; access_token: string };
    // HTTP, the bad ones: unknown routes, wrong secrets and tokens, broken bodies, router and parser errors.
    await server.api(`/nope${q}`, { headers: fromStranger });
    await server.api(`/api/v1/clients/%zz${q}`, { method: 'DELETE', auth: a.auth });
    await server.api(`/api/v1/clients/${'f'.repeat(300)}${q}`, { method: 'DELETE', auth: a.auth });
    await server.api('/api/v1/clients', {
      body: { username: 'logpriv_alice', authenticator: 'X'.repeat(64) },
      headers: fromStranger,
    });
    await server.api('/api/v1/clients', {
      body: { username: 'logpriv_nobody', authenticator: a.authenticator },
    });
    await server.api('/api/v1/account', { auth: `${a.client_hash}.${'T'.repeat(64)}` });
    await server.api('/api/v1/accounts', { body: '{"username": "logpriv_broken", ' });
    await server.api('/api/v1/accounts', {
      body: { username: 'logpriv_big', age: 30, pad: 'p'.repeat(100_000) },
    });
    await server.api('/api/v1/accounts', {
      body: 'username=logpriv_form',
      headers: { 'content-type': 'text/plain' },
    });
    await raw(
      `GET /api/v1/account${q} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${a.auth}\r\nContent-Length: zz\r\n\r\n`,
    );
    await raw(`GARBAGE /${q}\r\n\r\n`);
    await raw(`GET /healthz${q} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    // WebSocket: upgrades elsewhere, plain GETs, and every kind of bad frame.
    await upgrade(`/healthz${q}`);
    await upgrade(`/nope${q}`);
    await upgrade(`/api/v1/ws${q}`);
    await server.api(`/api/v1/ws${q}`);
    const bad = await WsTestClient.open(server.url, { headers: fromStranger });
    bad.sendRaw(JSON.stringify({ type: 'auth', client_hash: a.client_hash, access_token: 'Z'.repeat(64) }));
    await bad.closed();
    const binary = await WsTestClient.open(server.url);
    binary.ws.send(Buffer.from('logpriv_binary'));
    await binary.closed();
    const big = await WsTestClient.authed(server.url, laptop);
    big.sendRaw(JSON.stringify({ type: 'chats.list', pad: 'logpriv_pad'.repeat(1000) }));
    big.sendRaw('{"type": "typing", "chat_id": "logpriv_chat"');
    big.sendRaw(JSON.stringify({ ref: 'r', type: 'chats.list', pad: 'x'.repeat(9000) }));
    await big.closed();
    // WebSocket, the good paths.
    await ca.request({ type: 'typing', chat_id, typing: true });
    const ack = await ca.request({
      type: 'message.send',
      chat_id,
      msg_id: randomMsgId(),
      cf: CF,
      envelopes: [{ to_client: b.client_hash, ciphertext: b64('logpriv message body') }],
    });
    expect(ack.type).toBe('message.ack');
    const env = await cb.waitType('envelope');
    await cb.request({ type: 'envelope.ack', ids: [env.id] });
    await ca.request({ type: 'chat.leave', chat_id });
    await server.api('/api/v1/account', { method: 'DELETE', auth: a.auth });
    ca.close();
    cb.close();
    await sleep(300);

    const lines = server.logs.join('').split('\n').filter(Boolean);
    // Those paths did log (at debug and trace), just nothing private.
    for (const msg of [
      'client error',
      'request refused by the router',
      'websocket error',
      '"route":"/api/v1/account"',
    ])
      expect(
        lines.some((l) => l.includes(msg)),
        msg,
      ).toBe(true);
    const known = [
      'logpriv_',
      QUERY_VALUE,
      STRANGER_IP,
      a.secret,
      b.secret,
      a.access_token,
      b.access_token,
      'Laptop',
      Buffer.from('logpriv message body').toString('base64'),
    ];
    expect(scanLogLines(lines, known)).toEqual([]);
  }, 60_000);

  it('the scan itself finds what it looks for', () => {
    const planted = [
      '{"msg":"Route GET:/x?token=abc not found"}',
      '{"msg":"closed","path":"/healthz"}',
      '{"remote":"127.0.0.1"}',
      '{"remote":"::ffff:10.0.0.1"}',
      `{"t":"${'aB3'.repeat(21)}c"}`,
      '{"who":"alice_w"}',
    ];
    const found = scanLogLines(planted, ['alice_w']);
    expect(new Set(found.map((f) => f.line))).toEqual(new Set(planted));
    expect(found.filter((f) => f.line === planted[5])).toHaveLength(1);
    expect(
      scanLogLines([
        '{"user_hash":"' + 'ab'.repeat(32) + '","msg":"request","route":"/api/v1/clients/:client_hash"}',
      ]),
    ).toEqual([]);
  });
});
