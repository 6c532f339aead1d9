// Over 400 lines on purpose: the fuzz suite's generators for every WebSocket frame and HTTP route
// live next to the properties that use them.
import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import { randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ERROR_CATALOGUE, type ErrorCode } from '@omechat/protocol';
import { spawnServer, type SpawnedServer } from '@omechat/test-kit';
import { WsTestClient, b64 } from './ws-test-client.js';

// Issue 13 point 4: fast-check against a running server process. Every WebSocket frame kind of the
// issue and HTTP requests to every route; no crash, no 5xx, every refusal a catalogue code (HTTP ones
// with the security headers), the server healthy after. FUZZ_SEED replays a run.
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const AUTHED_FRAMES = Number(process.env.FUZZ_FRAMES ?? 9600);
const SOCKET_FRAMES = 400; // each on its own socket: before auth, invalid UTF-8, over twice the limit
const SOCKETS_AT_ONCE = 8;
const HTTP_REQUESTS = Number(process.env.FUZZ_HTTP ?? 1500);
const MAX_FRAME_BYTES = 16 * 1024;
console.log(`fuzz suite: FUZZ_SEED=${SEED} (set it to replay this run)`);

const counts = { frames: 0, sockets: 0, http: 0, refusals: new Map<string, number>() };
const failures: string[] = [];
const note = (what: string) => {
  if (failures.length < 20) failures.push(what);
};

function checkRefusal(code: unknown, status: unknown, where: string): void {
  const entry = ERROR_CATALOGUE[code as ErrorCode];
  if (!entry) return note(`${where}: ${String(code)} is not a catalogue code`);
  counts.refusals.set(String(code), (counts.refusals.get(String(code)) ?? 0) + 1);
  if (entry.status !== status) note(`${where}: ${String(code)} came with status ${String(status)}`);
  if (Number(status) >= 500) note(`${where}: a ${String(status)} (${String(code)})`);
}

let server: SpawnedServer;
let creds: { client_hash: string; access_token: string; auth: string };
let partner: { client_hash: string; user_hash: string };
let chatId: string;
let partnerSocket: WsTestClient;

async function api(path: string, body?: unknown, auth?: string) {
  const res = await fetch(server.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, string>;
}

async function account(username: string) {
  // The secret stays here, as on a device: the server sees only its authenticator.
  const authenticator = authenticatorFromSecret(generateSecret());
  await api('/api/v1/accounts', { username, age: 30, authenticator });
  const cl = await api('/api/v1/clients', { username, authenticator });
  return {
    user_hash: cl.user_hash!,
    client_hash: cl.client_hash!,
    access_token: cl.access_token!,
    auth: `${cl.client_hash}.${cl.access_token}`,
  };
}

beforeAll(async () => {
  server = await spawnServer(
    {
      MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
      FRAMES_PER_SECOND: '100000',
      MESSAGES_PER_SECOND: '100000',
      MESSAGE_BURST: '100000',
      UNAUTHENTICATED_SOCKETS_PER_NETWORK: '10000',
      LOGINS_PER_NETWORK_PER_MINUTE: '100000',
      LIVE_ACK_DEADLINE_MS: '50',
    },
    undefined,
    { startTimeoutMs: 120_000 },
  );
  const a = await account('fuzz_a');
  const b = await account('fuzz_b');
  creds = a;
  partner = b;
  const ca = await WsTestClient.authed(server.url, a);
  partnerSocket = (await WsTestClient.authed(server.url, b)).autoAck();
  await ca.request({ type: 'match.join', tolerance: 5 });
  await partnerSocket.request({ type: 'match.join', tolerance: 5 });
  chatId = (await ca.waitType('match.found')).chat.chat_id;
  ca.close();
}, 60_000);

afterAll(async () => {
  partnerSocket?.close();
  console.log(
    `fuzz suite (seed ${SEED}): ${counts.frames} WebSocket frames (${counts.sockets} sockets), ` +
      `${counts.http} HTTP requests; refusals: ${[...counts.refusals].map(([c, n]) => `${c} ${n}`).join(', ')}`,
  );
  await server?.stop();
});

// ---- WebSocket frames ----

const FRAME_TYPES = [
  'auth',
  'prekeys.upload',
  'bundles.fetch',
  'message.send',
  'envelope.ack',
  'typing',
  'read',
  'chats.list',
  'chat.leave',
  'match.join',
  'match.cancel',
  'match.next',
  'availability',
  'browse',
  'invite',
  'invite.answer',
  'block',
];
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const id32 = () => fc.oneof(hex(32), fc.constant(''), fc.string());
const nested = fc.integer({ min: 1, max: 3000 }).chain((depth) =>
  fc.constantFrom('[', '{"a":').map((open) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  }),
);
/** Text frames an authenticated socket can take without being closed (built once the fixtures exist). */
const textFrameArb = (): fc.Arbitrary<string> =>
  fc.oneof(
    // A known type with random fields (wrong types, missing, unknown).
    fc
      .record({
        type: fc.constantFrom(...FRAME_TYPES),
        ref: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
      })
      .chain((base) =>
        fc
          .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
          .map((extra) => ({ ...extra, ...base })),
      )
      .map((f) => JSON.stringify(f)),
    // Plausible frames aimed at the real chat and partner, with random pieces.
    fc
      .record({
        type: fc.constant('message.send'),
        chat_id: fc.oneof(fc.constant(chatId), hex(32)),
        msg_id: hex(32),
        cf: fc.constant(b64('c'.repeat(32))),
        envelopes: fc.array(
          fc.record({
            to_client: fc.oneof(fc.constant(partner.client_hash), hex(64), fc.string()),
            ciphertext: fc.oneof(fc.base64String({ maxLength: 400 }), fc.string({ maxLength: 50 })),
          }),
          { maxLength: 3 },
        ),
      })
      .map((f) => JSON.stringify(f)),
    fc
      .record({
        type: fc.constantFrom(
          'typing',
          'read',
          'bundles.fetch',
          'envelope.ack',
          'match.join',
          'browse',
          'invite',
          'invite.answer',
          'availability',
        ),
        chat_id: fc.oneof(fc.constant(chatId), id32()),
        msg_id: id32(),
        user_hash: fc.oneof(hex(64), fc.string()),
        typing: fc.boolean(),
        tolerance: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.double(), fc.string()),
        ids: fc.array(fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{1,12}$/), fc.constant('t1')), {
          maxLength: 20,
        }),
        limit: fc.integer({ min: -5, max: 50 }),
        open: fc.boolean(),
        accept: fc.boolean(),
        invitation_id: id32(),
      })
      .chain((r) =>
        fc
          .subarray(Object.keys(r))
          .map((keep) =>
            JSON.stringify(
              Object.fromEntries([
                ['type', r.type],
                ...keep.filter((k) => k !== 'type').map((k) => [k, r[k as keyof typeof r]]),
              ]),
            ),
          ),
      )
      .filter((s) => !s.includes('"chat.leave"') && !s.includes('"block"')),
    // Unknown types, any JSON, not JSON, deep nesting, huge strings (under and over the limit).
    fc.record({ type: fc.string(), ref: fc.string({ maxLength: 64 }) }).map((f) => JSON.stringify(f)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    nested,
    fc
      .integer({ min: 1, max: 2 * MAX_FRAME_BYTES - 100 })
      .map((n) => JSON.stringify({ type: 'chats.list', ref: 'big', pad: 'x'.repeat(n) })),
  );

type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'fragments'; text: string; parts: number };
const authedPieceArb = (textFrame: fc.Arbitrary<string>): fc.Arbitrary<Piece> =>
  fc.oneof(
    { weight: 8, arbitrary: textFrame.map((text): Piece => ({ kind: 'text', text })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): Piece => ({ kind: 'binary', bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(textFrame, fc.integer({ min: 2, max: 6 }))
        .map(([text, parts]): Piece => ({ kind: 'fragments', text, parts })),
    },
  );

/** A socket that stays open: every answer it gets is checked. */
async function authedSocket(): Promise<WsTestClient> {
  const c = await WsTestClient.authed(server.url, creds);
  counts.sockets++;
  return c;
}

function sendPiece(ws: WebSocket, p: Piece): void {
  if (p.kind === 'text') ws.send(p.text);
  else if (p.kind === 'binary') ws.send(p.bytes, { binary: true });
  else {
    const size = Math.ceil(p.text.length / p.parts);
    for (let i = 0; i < p.parts; i++) {
      ws.send(p.text.slice(i * size, (i + 1) * size), { fin: i === p.parts - 1 });
    }
  }
  counts.frames++;
}

function checkFrames(c: WsTestClient, from: number, where: string): void {
  for (const f of c.frames.slice(from)) if (f.type === 'error') checkRefusal(f.code, f.status, where);
}

describe(`the server under fuzzed input (seed ${SEED})`, () => {
  it(`answers ${AUTHED_FRAMES} fuzzed frames on authenticated sockets with catalogue refusals only`, async () => {
    const pieces = fc.sample(authedPieceArb(textFrameArb()), { seed: SEED, numRuns: AUTHED_FRAMES });
    let c = await authedSocket();
    let checked = 0;
    for (let i = 0; i < pieces.length; i++) {
      sendPiece(c.ws, pieces[i]!);
      if (i % 250 !== 249 && i !== pieces.length - 1) continue;
      // Frames of a connection are handled in order: this answer means all before it were.
      const sync = await c.request({ type: 'chats.list' }, 30_000).catch(() => null);
      checkFrames(c, checked, `frames ${i - 249}-${i}`);
      checked = c.frames.length;
      if (!sync || c.closeCode !== null) {
        note(`frames ${i - 249}-${i}: the authenticated socket closed (${String(c.closeCode)})`);
        c = await authedSocket();
        checked = 0;
      }
    }
    c.close();
    expect(failures).toEqual([]);
  }, 900_000);

  it(`refuses frames before auth, invalid UTF-8 and frames over twice the limit by closing (${SOCKET_FRAMES} sockets)`, async () => {
    const kinds = fc.sample(
      fc.oneof(
        textFrameArb()
          .filter((t) => !t.includes('"auth"'))
          .map((text) => ({ kind: 'pre-auth' as const, text })),
        fc
          .uint8Array({ minLength: 1, maxLength: 50 })
          .map((bytes) => ({ kind: 'pre-auth-binary' as const, bytes })),
        fc
          .tuple(
            fc.string({ maxLength: 20 }),
            fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]),
          )
          .map(([s, bad]) => ({
            kind: 'utf8' as const,
            bytes: Buffer.concat([Buffer.from(s), Buffer.from(bad)]),
          })),
        fc
          .integer({ min: 2 * MAX_FRAME_BYTES + 10, max: 4 * MAX_FRAME_BYTES })
          .map((n) => ({ kind: 'huge' as const, n })),
      ),
      { seed: SEED + 1, numRuns: SOCKET_FRAMES },
    );
    // A second socket of one client replaces the first: each lane signs in as its own account.
    const lanes = await Promise.all(
      Array.from({ length: SOCKETS_AT_ONCE }, (_, l) => account(`fuzz_lane${l}`)),
    );
    const one = async (i: number, k: (typeof kinds)[number]) => {
      const authed = k.kind === 'utf8' || k.kind === 'huge';
      const c = authed
        ? await WsTestClient.authed(server.url, lanes[i % SOCKETS_AT_ONCE]!)
        : await WsTestClient.open(server.url);
      counts.sockets++;
      const from = c.frames.length;
      const closed = once(c.ws, 'close');
      if (k.kind === 'pre-auth') c.ws.send(k.text);
      else if (k.kind === 'pre-auth-binary') c.ws.send(k.bytes, { binary: true });
      else if (k.kind === 'utf8') c.ws.send(k.bytes, { binary: false });
      else c.ws.send(JSON.stringify({ type: 'chats.list', pad: 'x'.repeat(k.n) }));
      counts.frames++;
      const [code] = (await Promise.race([
        closed,
        new Promise((r) => setTimeout(() => r([null]), 10_000)),
      ])) as [number | null];
      checkFrames(c, from, `socket ${i} (${k.kind})`);
      const expected = { 'pre-auth': [4401, 4400], 'pre-auth-binary': [4400], utf8: [1007], huge: [1009] }[
        k.kind
      ];
      if (code === null || !expected.includes(code))
        note(`socket ${i} (${k.kind}): closed with ${String(code)}`);
      c.ws.terminate();
    };
    for (let i = 0; i < kinds.length; i += SOCKETS_AT_ONCE)
      await Promise.all(kinds.slice(i, i + SOCKETS_AT_ONCE).map((k, j) => one(i + j, k)));
    expect(failures).toEqual([]);
  }, 900_000);

  it(`answers ${HTTP_REQUESTS} fuzzed HTTP requests to every route below 500, refusals from the catalogue with the security headers`, async () => {
    const ROUTES: [string, string][] = [
      ['POST', '/api/v1/accounts'],
      ['POST', '/api/v1/clients'],
      ['GET', '/api/v1/clients'],
      ['DELETE', '/api/v1/clients/:p'],
      ['GET', '/api/v1/account'],
      ['DELETE', '/api/v1/account'],
      ['POST', '/api/v1/reports'],
      ['GET', '/api/v1/account/standing'],
      ['POST', '/api/v1/standing'],
      ['POST', '/api/v1/appeals'],
      ['GET', '/api/v1/admin/reports'],
      ['GET', '/api/v1/admin/reports/:p'],
      ['POST', '/api/v1/admin/reports/:p/resolve'],
      ['POST', '/api/v1/admin/reports/dismiss'],
      ['POST', '/api/v1/admin/reports/:p/notes'],
      ['GET', '/api/v1/admin/accounts/:p'],
      ['POST', '/api/v1/admin/accounts/:p/ban'],
      ['POST', '/api/v1/admin/accounts/:p/unban'],
      ['GET', '/api/v1/admin/appeals'],
      ['GET', '/api/v1/admin/appeals/:p'],
      ['POST', '/api/v1/admin/appeals/:p/decide'],
      ['POST', '/api/v1/admin/appeals/:p/notes'],
      ['GET', '/api/v1/admin/moderators'],
      ['POST', '/api/v1/admin/moderators'],
      ['DELETE', '/api/v1/admin/moderators/:p'],
      ['GET', '/api/v1/admin/audit'],
      ['GET', '/healthz'],
      ['GET', '/api/v1/ws'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/api/v1/nowhere'],
      ['GET', '/'],
    ];
    const segment = fc.oneof(
      hex(64),
      hex(32),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom('%', '%zz', '%00', '..', 'a'.repeat(300)),
    );
    const requestArb = fc.record({
      route: fc.constantFrom(...ROUTES),
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
      ),
      param: segment,
      query: fc.option(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }),
        { nil: undefined },
      ),
      auth: fc.oneof(
        fc.constant(undefined),
        fc.constant('own'),
        fc.string({ maxLength: 100 }),
        fc.constantFrom('Bearer ', 'Basic x', `Bearer m${'0'.repeat(32)}.${'a'.repeat(64)}`),
      ),
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        undefined,
      ),
      body: fc.oneof(
        fc.constant(undefined),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc
          .record(
            {
              username: fc.string({ maxLength: 40 }),
              age: fc.oneof(fc.integer(), fc.string()),
              secret: fc.string({ maxLength: 70 }),
            },
            { requiredKeys: [] },
          )
          .map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 300 }),
        nested,
        fc.constant('{"__proto__": {"x": 1}}'),
        fc.integer({ min: 1, max: 200_000 }).map((n) => JSON.stringify({ pad: 'x'.repeat(n) })),
      ),
      junkHeader: fc.option(
        fc.tuple(
          fc.stringMatching(/^x-[a-z-]{1,20}$/),
          fc.string({ maxLength: 100 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
        ),
        { nil: undefined },
      ),
    });
    const reqs = fc.sample(requestArb, { seed: SEED + 2, numRuns: HTTP_REQUESTS });
    for (const [i, r] of reqs.entries()) {
      const method = r.method ?? r.route[0];
      let path = r.route[1].replace(':p', r.param);
      if (r.query) path += '?' + new URLSearchParams(r.query).toString();
      const headers: Record<string, string> = {};
      if (r.contentType && r.body !== undefined) headers['content-type'] = r.contentType;
      if (r.auth === 'own') headers.authorization = `Bearer ${creds.auth}`;
      else if (r.auth !== undefined) headers.authorization = r.auth;
      if (r.junkHeader) headers[r.junkHeader[0]] = r.junkHeader[1];
      const res = await rawRequest(
        method,
        path,
        headers,
        method === 'GET' || method === 'HEAD' ? undefined : r.body,
      );
      counts.http++;
      const where = `HTTP ${i} ${method} ${r.route[1]}`;
      if (res.status >= 500) note(`${where}: status ${res.status}`);
      if (res.status >= 400) {
        for (const [h, v] of [
          ['x-content-type-options', 'nosniff'],
          ['x-frame-options', 'DENY'],
          ['referrer-policy', 'no-referrer'],
        ])
          if (res.headers[h!] !== v) note(`${where}: refusal without ${h}`);
        if (method !== 'HEAD') {
          const body = parseJson(res.body) as { error?: { code?: unknown; status?: unknown } } | null;
          if (!body) note(`${where}: a ${res.status} that is not JSON`);
          else {
            checkRefusal(body.error?.code, body.error?.status, where);
            if (body.error?.status !== res.status)
              note(`${where}: body status ${String(body.error?.status)} on a ${res.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 900_000);

  it('is healthy after all of it: alive, answering, and relaying', async () => {
    expect(server.child.exitCode).toBeNull();
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(server.output()).not.toMatch(/"level":(50|60)/);
    // A fresh account: the fuzzed requests may have deleted the first one (DELETE /account).
    const fresh = await account('fuzz_after');
    const c = await WsTestClient.authed(server.url, fresh);
    expect(await c.request({ type: 'chats.list' })).toMatchObject({ type: 'chats', chats: [] });
    c.close();
    expect(counts.frames).toBeGreaterThanOrEqual(10_000);
  });
});

/** One HTTP request with exactly these headers and body (fetch would refuse some of them). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: string | undefined) {
  const url = new URL(server.url);
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
