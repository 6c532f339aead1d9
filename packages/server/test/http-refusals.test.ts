import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@omechat/protocol';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';

/**
 * Issue 12: every HTTP refusal is a catalogue error with the security headers, including the ones
 * fastify and node answer by themselves (router errors, parser errors), and a 128-hex client id
 * (v1 imports) reaches our own validator.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

interface Answer {
  status: number;
  headers: Record<string, string> | Headers;
  body: { error: { code: string; status: number } };
}

/** Sends raw bytes and returns the parsed HTTP answer (status, lower-cased headers, JSON body). */
function rawRequest(text: string | Buffer) {
  const { port } = new URL(server.url);
  return new Promise<Answer>((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1', () => sock.write(text));
    let data = '';
    sock.on('data', (d) => (data += d.toString('latin1')));
    sock.on('error', reject);
    sock.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const [statusLine, ...lines] = head!.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({
        status: Number(statusLine!.split(' ')[1]),
        headers,
        body: JSON.parse(rest.join('\r\n\r\n')),
      });
    });
  });
}

function expectCatalogueRefusal(r: Answer, code: string) {
  const header = (k: string) => (r.headers instanceof Headers ? r.headers.get(k) : r.headers[k]);
  expect(r.body.error.code).toBe(code);
  expect(ERROR_CODES).toContain(r.body.error.code);
  expect(r.status).toBe(r.body.error.status);
  expect(header('x-content-type-options')).toBe('nosniff');
  expect(header('x-frame-options')).toBe('DENY');
  expect(header('referrer-policy')).toBe('no-referrer');
  expect(header('cache-control')).toBe('no-store');
  expect(JSON.stringify(r.body)).not.toMatch(/FST_|Bad Request|statusCode/);
}

describe('HTTP refusals', () => {
  it('a 128-hex client id reaches the validator and can be revoked', async () => {
    const u = await signUp(server, 'refusal_v1', 30);
    const v1Client = randomBytes(64).toString('hex');
    await server.store.createClient({
      client_hash: v1Client,
      user_hash: u.user_hash,
      token_hash: randomBytes(32).toString('hex'),
      label: 'imported',
      created_at: 1,
      last_seen_day: null,
      rotation_only: false,
    });
    const r = await server.api(`/api/v1/clients/${v1Client}`, { method: 'DELETE', auth: u.auth });
    expect(r.status).toBe(204);
    const again = await server.api(`/api/v1/clients/${v1Client}`, { method: 'DELETE', auth: u.auth });
    expectCatalogueRefusal(again, 'CLIENT_NOT_FOUND');
    // Longer than any id: still ours, not fastify's 414.
    const long = await server.api(`/api/v1/clients/${'a'.repeat(300)}`, { method: 'DELETE', auth: u.auth });
    expectCatalogueRefusal(long, 'INVALID_INPUT');
  });

  it('bad URL encodings are catalogue errors without echoing the path', async () => {
    const u = await signUp(server, 'refusal_enc', 30);
    for (const p of ['/api/v1/clients/%E0%A4%A', '/api/v1/clients/%zz?secret=1']) {
      const r = await server.api(p, { method: 'DELETE', auth: u.auth });
      expectCatalogueRefusal(r, 'INVALID_INPUT');
      expect(JSON.stringify(r.body)).not.toContain('%');
    }
  });

  it('requests node refuses (bad request line, huge headers) get catalogue errors too', async () => {
    expectCatalogueRefusal(await rawRequest('NOT HTTP AT ALL\r\n\r\n'), 'INVALID_INPUT');
    expectCatalogueRefusal(
      await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`),
      'HEADERS_TOO_LARGE',
    );
    expectCatalogueRefusal(
      await rawRequest('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n'),
      'INVALID_INPUT',
    );
  });

  it('unknown routes, wrong methods and bad bodies carry the headers as well', async () => {
    expectCatalogueRefusal(await server.api('/api/v1/nothing?x=1'), 'ROUTE_NOT_FOUND');
    const put = await server.api('/api/v1/account', { method: 'PUT', body: {} });
    expectCatalogueRefusal(put, 'METHOD_NOT_ALLOWED');
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD');
    const patch = await server.api(`/api/v1/clients/${'a'.repeat(64)}`, { method: 'PATCH', body: {} });
    expectCatalogueRefusal(patch, 'METHOD_NOT_ALLOWED');
    expect(patch.headers.get('allow')).toBe('DELETE');
    // The socket path and the web app's fallback keep answering 404.
    expectCatalogueRefusal(await server.api('/api/v1/ws', { method: 'POST', body: {} }), 'ROUTE_NOT_FOUND');
    expectCatalogueRefusal(await server.api('/api/v1/accounts', { body: '{"x":' }), 'INVALID_JSON');
    expectCatalogueRefusal(await server.api('/api/v1/account'), 'UNAUTHENTICATED');
  });
});
