import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpApi, type FetchLike } from '../src/http-api.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { rejection } from './rejection.js';

let server: TestServer;
let api: HttpApi;
/** Every request the SDK made, to check where credentials travel. */
const seen: { url: string; headers: Record<string, string> }[] = [];
const recordingFetch: FetchLike = (url, init) => {
  seen.push({ url, headers: { ...(init.headers as Record<string, string>) } });
  return fetch(url, init);
};

beforeAll(async () => {
  server = await startTestServer();
  api = new HttpApi(server.url + '/', recordingFetch);
});
afterAll(async () => {
  await server.destroy();
});

/** Any 64-hex string stands in for an authenticator here (the server sees nothing more). */
const AUTH = 'b'.repeat(64);

describe('HttpApi against the real server', () => {
  it('creates an account and clients, lists, revokes, reads and deletes', async () => {
    const acc = await api.createAccount({ username: 'sdk_http_alice', age: 27, authenticator: AUTH });
    expect(acc).toMatchObject({ username: 'sdk_http_alice', age: 27 });
    expect(acc.user_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(acc).sort()).toEqual(['age', 'user_hash', 'username']);

    const laptop = await api.createClient({
      username: 'sdk_http_alice',
      authenticator: AUTH,
      label: 'laptop',
    });
    const phone = await api.createClient({ username: 'sdk_http_alice', authenticator: AUTH });
    expect(laptop.user_hash).toBe(acc.user_hash);
    expect(laptop.client_hash).not.toBe(phone.client_hash);

    const clients = await api.listClients(laptop);
    expect(clients).toHaveLength(2);
    expect(clients.find((c) => c.client_hash === laptop.client_hash)).toMatchObject({
      label: 'laptop',
      current: true,
    });
    expect(clients.find((c) => c.client_hash === phone.client_hash)).toMatchObject({
      label: null,
      current: false,
    });

    expect(await api.getAccount(phone)).toMatchObject({
      user_hash: acc.user_hash,
      username: 'sdk_http_alice',
      age: 27,
    });

    await api.revokeClient(laptop, phone.client_hash);
    expect((await rejection(api.getAccount(phone))).code).toBe('UNAUTHENTICATED');
    expect((await api.listClients(laptop)).map((c) => c.client_hash)).toEqual([laptop.client_hash]);
    expect((await rejection(api.revokeClient(laptop, phone.client_hash))).code).toBe('CLIENT_NOT_FOUND');

    await api.deleteAccount(laptop);
    const gone = await rejection(api.getAccount(laptop));
    expect(gone.code).toBe('UNAUTHENTICATED');
    expect(gone.status).toBe(401);
    expect(
      (await rejection(api.createClient({ username: 'sdk_http_alice', authenticator: AUTH }))).code,
    ).toBe('INVALID_CREDENTIALS');
  });

  it('sends credentials only in the Authorization header, never in a URL', async () => {
    await api.createAccount({ username: 'sdk_http_bob', age: 30, authenticator: AUTH });
    const cl = await api.createClient({ username: 'sdk_http_bob', authenticator: AUTH });
    seen.length = 0;
    await api.listClients(cl);
    await api.getAccount(cl);
    for (const r of seen) {
      expect(r.url).not.toContain(cl.access_token);
      expect(r.url).not.toContain(AUTH);
      expect(r.headers.authorization).toBe(`Bearer ${cl.client_hash}.${cl.access_token}`);
    }
    expect(seen.map((r) => r.url)).toEqual([`${server.url}/api/v1/clients`, `${server.url}/api/v1/account`]);
  });

  it('surfaces the server error codes as typed errors', async () => {
    await api.createAccount({ username: 'sdk_http_taken', age: 20, authenticator: AUTH });
    const taken = await rejection(
      api.createAccount({ username: 'SDK_HTTP_TAKEN', age: 20, authenticator: AUTH }),
    );
    expect(taken).toMatchObject({ code: 'USERNAME_TAKEN', status: 409 });
    expect((await rejection(api.createAccount({ username: 'x', age: 20, authenticator: AUTH }))).code).toBe(
      'USERNAME_INVALID',
    );
    expect(
      (await rejection(api.createAccount({ username: 'sdk_http_young', age: 12, authenticator: AUTH }))).code,
    ).toBe('AGE_INVALID');
    const wrong = await rejection(
      api.createClient({ username: 'sdk_http_taken', authenticator: 'a'.repeat(64) }),
    );
    expect(wrong).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
    const invalid = await rejection(
      api.createClient({ username: 'sdk_http_taken', authenticator: 'a'.repeat(64), label: 'L'.repeat(65) }),
    );
    expect(invalid.code).toBe('INVALID_INPUT');
    expect(invalid.issues).toEqual([{ path: 'label', problem: expect.any(String) }]);
    const badToken = { client_hash: 'a'.repeat(64), access_token: 'B'.repeat(64) };
    expect((await rejection(api.listClients(badToken))).code).toBe('UNAUTHENTICATED');
  });

  it('derives the WebSocket URL of the same server', () => {
    expect(new HttpApi('https://chat.example/').wsUrl).toBe('wss://chat.example/api/v1/ws');
    expect(api.wsUrl).toBe(server.url.replace(/^http/, 'ws') + '/api/v1/ws');
  });
});

describe('HttpApi transport failures', () => {
  it('an unreachable server is SERVICE_BUSY "Cannot reach the server"', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await rejection(
      new HttpApi(`http://127.0.0.1:${port}`).getAccount({ client_hash: 'a', access_token: 'b' }),
    );
    expect(err.code).toBe('SERVICE_BUSY');
    expect(err.message).toMatch(/Cannot reach the server/);
  });

  it('a server that never answers times out as SERVICE_BUSY', async () => {
    const silent = createServer(() => {
      /* never responds */
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const err = await rejection(
        new HttpApi(url, undefined, { timeoutMs: 150 }).createAccount({
          username: 'u',
          age: 20,
          authenticator: AUTH,
        }),
      );
      expect(err.code).toBe('SERVICE_BUSY');
      expect(err.message).toMatch(/did not answer in time/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  const fake =
    (status: number, body: string, headers: Record<string, string> = {}): FetchLike =>
    async () =>
      new Response(body, { status, headers });

  it('keeps retry_after of RATE_LIMITED (body, else Retry-After header)', async () => {
    const body = JSON.stringify({
      error: { code: 'RATE_LIMITED', message: 'slow down', status: 429, retry_after: 7 },
    });
    const e1 = await rejection(
      new HttpApi('http://x', fake(429, body)).createAccount({ username: 'u', age: 20, authenticator: AUTH }),
    );
    expect(e1).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7, message: 'slow down' });
    const noField = JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down', status: 429 } });
    const e2 = await rejection(
      new HttpApi('http://x', fake(429, noField, { 'retry-after': '12' })).createAccount({
        username: 'u',
        age: 20,
        authenticator: AUTH,
      }),
    );
    expect(e2.retryAfterSeconds).toBe(12);
  });

  it('a gateway error page is SERVICE_BUSY; an unknown code is INTERNAL; a malformed success is INVALID_SERVER_FRAME', async () => {
    const page = await rejection(
      new HttpApi('http://x', fake(502, '<html>Bad Gateway</html>')).getAccount({
        client_hash: 'a',
        access_token: 'b',
      }),
    );
    expect(page.code).toBe('SERVICE_BUSY');
    const unknown = JSON.stringify({ error: { code: 'FROM_THE_FUTURE', message: 'new', status: 418 } });
    const e = await rejection(
      new HttpApi('http://x', fake(418, unknown)).getAccount({ client_hash: 'a', access_token: 'b' }),
    );
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toContain('FROM_THE_FUTURE');
    const bad = await rejection(
      new HttpApi('http://x', fake(200, '{"user_hash":"nope"}')).getAccount({
        client_hash: 'a',
        access_token: 'b',
      }),
    );
    expect(bad.code).toBe('INVALID_SERVER_FRAME');
  });
});
