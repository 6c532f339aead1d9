import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '@omechat/protocol';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';

let server: TestServer;
let authenticator: string;
beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: '4096' });
  const u = await signUp(server, 'Existing', 20);
  authenticator = u.authenticator;
  await signUp(server, 'Ｗｉｄｅ', 20); // stored as NFKC "Wide"
});
afterAll(async () => {
  await server.destroy();
});

type Case = [name: string, body: unknown, code: string, contentType?: string];

const A = 'a'.repeat(64);

const accountCases: Case[] = [
  ['no body', undefined, 'INVALID_JSON'],
  ['empty object', {}, 'INVALID_INPUT'],
  ['null', null, 'INVALID_INPUT'],
  ['array', [], 'INVALID_INPUT'],
  ['string body', '"alice"', 'INVALID_INPUT'],
  ['number body', '42', 'INVALID_INPUT'],
  ['broken json', '{"username": "x", ', 'INVALID_JSON'],
  ['missing age', { username: 'alice2' }, 'INVALID_INPUT'],
  ['missing username', { age: 16, authenticator: A }, 'INVALID_INPUT'],
  ['age 12', { username: 'young', age: 12, authenticator: A }, 'AGE_INVALID'],
  ['age 121', { username: 'old', age: 121, authenticator: A }, 'AGE_INVALID'],
  ['age 16.5', { username: 'half', age: 16.5, authenticator: A }, 'AGE_INVALID'],
  ['age "16"', { username: 'strage', age: '16', authenticator: A }, 'AGE_INVALID'],
  ['age null', { username: 'nullage', age: null, authenticator: A }, 'AGE_INVALID'],
  ['age NaN-ish', { username: 'nanage', age: '1e400', authenticator: A }, 'AGE_INVALID'],
  ['age huge', { username: 'hugeage', age: 1e308, authenticator: A }, 'AGE_INVALID'],
  ['age negative', { username: 'negage', age: -16, authenticator: A }, 'AGE_INVALID'],
  ['age boolean', { username: 'boolage', age: true, authenticator: A }, 'AGE_INVALID'],
  ['age array', { username: 'arrage', age: [16], authenticator: A }, 'AGE_INVALID'],
  ['username number', { username: 12345, age: 16, authenticator: A }, 'INVALID_INPUT'],
  ['username object', { username: { $ne: 1 }, age: 16, authenticator: A }, 'INVALID_INPUT'],
  ['username too short', { username: 'ab', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username too long', { username: 'a'.repeat(33), age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username huge', { username: 'a'.repeat(3000), age: 16, authenticator: A }, 'INVALID_INPUT'],
  ['username zero-width space', { username: 'ali\u200bce', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username zero-width joiner', { username: 'bob\u200d', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username bidi override', { username: '\u202eecila', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username control char', { username: 'ali\u0000ce', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username newline', { username: 'ali\nce', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username leading space', { username: ' alice', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username double space', { username: 'al  ice', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username only dots', { username: '...', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username emoji', { username: 'ali😀ce', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username lone surrogate', { username: 'ali\ud800ce', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['username html', { username: '<script>', age: 16, authenticator: A }, 'USERNAME_INVALID'],
  ['duplicate, other case', { username: 'EXISTING', age: 20, authenticator: A }, 'USERNAME_TAKEN'],
  ['duplicate, fullwidth', { username: 'Ｅｘｉｓｔｉｎｇ', age: 20, authenticator: A }, 'USERNAME_TAKEN'],
  ['duplicate, NFKC of stored fullwidth', { username: 'wide', age: 20, authenticator: A }, 'USERNAME_TAKEN'],
  ['no authenticator', { username: 'noauth', age: 16 }, 'INVALID_INPUT'],
  ['authenticator not hex', { username: 'badauth', age: 16, authenticator: 'Z'.repeat(64) }, 'INVALID_INPUT'],
  [
    'a raw secret instead of an authenticator',
    { username: 'rawsecret', age: 16, secret: 'a'.repeat(64) },
    'INVALID_INPUT',
  ],
  ['unknown extra field', { username: 'extra', age: 16, authenticator: A, admin: true }, 'INVALID_INPUT'],
  ['prototype pollution', '{"username":"proto","age":16,"__proto__":{"admin":true}}', 'INVALID_JSON'],
  [
    'body over the limit',
    { username: 'big', age: 16, authenticator: A, pad: 'x'.repeat(10_000) },
    'BODY_TOO_LARGE',
  ],
  ['text/plain body', 'username=alice', 'UNSUPPORTED_MEDIA_TYPE', 'text/plain'],
  ['form body', 'username=alice&age=16', 'UNSUPPORTED_MEDIA_TYPE', 'application/x-www-form-urlencoded'],
];

const clientCases: Case[] = [
  ['empty object', {}, 'INVALID_INPUT'],
  ['authenticator number', { username: 'Existing', authenticator: 1 }, 'INVALID_INPUT'],
  ['authenticator too long', { username: 'Existing', authenticator: 'a'.repeat(300) }, 'INVALID_INPUT'],
  ['authenticator empty', { username: 'Existing', authenticator: '' }, 'INVALID_CREDENTIALS'],
  ['no proof at all', { username: 'Existing' }, 'INVALID_CREDENTIALS'],
  ['both proofs', { username: 'Existing', authenticator: A, legacy_secret: A }, 'INVALID_CREDENTIALS'],
  ['a raw secret field (pre-v2 clients)', { username: 'Existing', secret: A }, 'INVALID_INPUT'],
  [
    'a v2 account signing in with a raw secret',
    { username: 'Existing', legacy_secret: A },
    'INVALID_CREDENTIALS',
  ],
  ['identity key malformed', { username: 'Existing', authenticator: A, identity_key: 'k' }, 'INVALID_INPUT'],
  [
    'label too long',
    { username: 'Existing', authenticator: 'a'.repeat(64), label: 'l'.repeat(65) },
    'INVALID_INPUT',
  ],
  ['unknown user', { username: 'ghost', authenticator: 'a'.repeat(64) }, 'INVALID_CREDENTIALS'],
  ['invalid username form', { username: '\u200b', authenticator: 'a'.repeat(64) }, 'INVALID_CREDENTIALS'],
];

async function send(path: string, body: unknown, contentType?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
  else headers['content-type'] = 'application/json';
  return server.api(path, { method: 'POST', body: body === undefined ? '' : body, headers });
}

describe('malformed input gets a 4xx with a catalogue code, never a 500', () => {
  it('has at least 30 cases', () => {
    expect(accountCases.length + clientCases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(accountCases)('POST /accounts: %s', async (_name, body, code, contentType) => {
    const r = await send('/api/v1/accounts', body, contentType);
    expect(r.body?.error?.code).toBe(code);
    expect(r.status).toBe(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });

  it.each(clientCases)('POST /clients: %s', async (_name, body, code) => {
    const r = await send('/api/v1/clients', body);
    expect(r.body?.error?.code).toBe(code);
    expect(r.status).toBeLessThan(500);
  });

  it('bad path params are typed errors', async () => {
    const u = await signUp(server, 'pathcheck', 30);
    for (const p of ['xyz', '..%2F..', 'A'.repeat(64), '%00']) {
      const r = await server.api(`/api/v1/clients/${p}`, { method: 'DELETE', auth: u.auth });
      expect(r.body.error.code, p).toBe('INVALID_INPUT');
    }
  });

  it('still works after the barrage (the real secret logs in)', async () => {
    const r = await send('/api/v1/clients', { username: 'existing', authenticator });
    expect(r.status).toBe(201);
  });
});
