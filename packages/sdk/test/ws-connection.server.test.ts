import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OmeChatError } from '@omechat/protocol';
import { HttpApi } from '../src/http-api.js';
import { WsConnection } from '../src/ws-connection.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';

// WsConnection against the real /api/v1/ws gateway: the same protocol the test peer imitates.
let server: TestServer;
let api: HttpApi;
const conns: WsConnection[] = [];

beforeAll(async () => {
  server = await startTestServer();
  api = new HttpApi(server.url);
});
afterEach(() => {
  for (const c of conns.splice(0)) c.close();
});
afterAll(async () => {
  await server.destroy();
});

async function newClient(username: string) {
  const authenticator = 'c'.repeat(64);
  await api.createAccount({ username, age: 25, authenticator });
  return api.createClient({ username, authenticator });
}

function connect(creds: { client_hash: string; access_token: string }): WsConnection {
  const c = new WsConnection({
    url: api.wsUrl,
    ...creds,
    WebSocketImpl: WebSocket,
    backoff: { initialMs: 20, maxMs: 200 },
  });
  conns.push(c);
  return c;
}

describe('WsConnection against the real server', () => {
  it('authenticates, gets replies by ref and typed errors', async () => {
    const creds = await newClient('sdk_ws_real_a');
    const c = connect(creds);
    const ok = await c.connect();
    expect(ok).toMatchObject({ type: 'auth.ok', client_hash: creds.client_hash, user_hash: creds.user_hash });
    expect(await c.request({ type: 'chats.list' })).toMatchObject({ type: 'chats', chats: [] });
    const err = await c.request({ type: 'chat.leave', chat_id: '0'.repeat(32) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmeChatError);
    expect((err as OmeChatError).code).toBe('NOT_IN_CHAT');
    // Browse applies its schema default for `limit`.
    expect((await c.request({ type: 'browse', tolerance: 2 })).type).toBe('browse.result');
  });

  it('a frame the server refuses unread still fails its own request, not a timeout', async () => {
    const c = connect(await newClient('sdk_ws_real_big'));
    await c.connect();
    const started = Date.now();
    // Over MAX_FRAME_BYTES (256 KiB) but under twice that: refused with FRAME_TOO_LARGE and its ref.
    const err = await c
      .request(
        {
          type: 'message.send',
          chat_id: '0'.repeat(32),
          msg_id: '0'.repeat(32),
          cf: Buffer.alloc(32).toString('base64'),
          envelopes: Array.from({ length: 4 }, () => ({
            to_client: '1'.repeat(64),
            ciphertext: 'A'.repeat(90_000),
          })),
        },
        { timeoutMs: 20_000 },
      )
      .catch((e: unknown) => e);
    expect((err as OmeChatError).code).toBe('FRAME_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await c.request({ type: 'chats.list' })).toMatchObject({ type: 'chats' });
  });

  it('stops with unauthenticated for a revoked client', async () => {
    const creds = await newClient('sdk_ws_real_b');
    await api.revokeClient(creds, creds.client_hash);
    const c = connect(creds);
    const unauth = new Promise<OmeChatError>((r) => c.once('unauthenticated', r));
    await expect(c.connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await unauth).code).toBe('UNAUTHENTICATED');
    expect(c.state).toBe('closed');
  });

  it('an older connection of the same client is replaced and does not fight back', async () => {
    const creds = await newClient('sdk_ws_real_c');
    const first = connect(creds);
    await first.connect();
    const replaced = new Promise<OmeChatError>((r) => first.once('replaced', r));
    const second = connect(creds);
    await second.connect();
    expect((await replaced).code).toBe('ALREADY_AUTHENTICATED');
    expect(first.state).toBe('closed');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.state).toBe('open');
    expect((await second.request({ type: 'chats.list' })).type).toBe('chats');
  });
});
