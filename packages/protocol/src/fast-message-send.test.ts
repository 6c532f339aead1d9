import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fastMessageSend } from './fast-message-send.js';
import { MAX_CIPHERTEXT_B64, MAX_ENVELOPES_PER_MESSAGE, MessageSendFrameSchema } from './ws-frames.js';
import { readClientFrame } from './parse-client-frame.js';

const hexChars = '0123456789abcdef'.split('');
const b64Chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');
/** Near-miss characters: upper-case hex, base64url, padding, whitespace, unicode, JSON escapes. */
const oddChars = ['A', 'F', 'g', '-', '_', '=', ' ', '\n', '\u00e9', '\u0000', '"', '\\', '\u2028', '+', '/'];

const strOf = (chars: string[], minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...chars), { minLength, maxLength }).map((a) => a.join(''));
/** A string of `good` chars with sometimes one odd char put somewhere, or one char removed/added. */
const nearly = (chars: string[], len: number) =>
  fc.oneof(
    { weight: 20, arbitrary: strOf(chars, len, len) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(strOf(chars, len, len), fc.nat(len), fc.constantFrom(...oddChars))
        .map(([s, i, c]) => s.slice(0, i) + c + s.slice(i + 1)),
    },
    { weight: 1, arbitrary: strOf(chars, Math.max(0, len - 1), len + 1) },
  );

const base64ish = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.tuple(strOf(b64Chars, 0, 600), fc.constantFrom('', '=', '==')).map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: strOf(b64Chars, 0, 20).map((a) => a + '===') },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        strOf(b64Chars, 0, 200),
        fc.constantFrom(...oddChars),
        strOf(b64Chars, 0, 50),
        fc.constantFrom('', '=', '=='),
      )
      .map(([a, c, b, p]) => a + c + b + p),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '=', '==', '=A', 'A=A', 'AA==\n') },
  // Around the length limit.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_CIPHERTEXT_B64 - 2, max: MAX_CIPHERTEXT_B64 + 2 })
      .map((n) => 'A'.repeat(n - 1) + '='),
  },
);
const commitment = fc.oneof(
  { weight: 15, arbitrary: strOf(b64Chars, 43, 43).map((s) => s + '=') },
  { weight: 2, arbitrary: nearly(b64Chars, 43).map((s) => s + '=') },
  { weight: 1, arbitrary: strOf(b64Chars, 44, 44) },
  { weight: 1, arbitrary: strOf(b64Chars, 42, 42).map((s) => s + '==') },
);
const clientHash = fc.oneof(
  { weight: 4, arbitrary: strOf(hexChars, 64, 64) },
  { weight: 4, arbitrary: strOf(hexChars, 128, 128) },
  { weight: 1, arbitrary: nearly(hexChars, 64) },
  { weight: 1, arbitrary: nearly(hexChars, 128) },
  { weight: 1, arbitrary: nearly(hexChars, 96) },
);
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));

const envelope = fc.oneof(
  { weight: 30, arbitrary: fc.record({ to_client: clientHash, ciphertext: base64ish }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { to_client: fc.oneof(clientHash, wrongType), ciphertext: fc.oneof(base64ish, wrongType) },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ to_client: clientHash, ciphertext: base64ish, extra: fc.jsonValue() }),
  },
  { weight: 1, arbitrary: wrongType },
);

const frame = fc
  .record(
    {
      type: fc.oneof(
        { weight: 9, arbitrary: fc.constant('message.send') },
        { weight: 1, arbitrary: fc.constantFrom('message.sent', 'typing', '') },
      ),
      ref: fc.oneof(
        { weight: 9, arbitrary: fc.string({ maxLength: 66 }) },
        { weight: 1, arbitrary: wrongType },
      ),
      chat_id: fc.oneof({ weight: 9, arbitrary: nearly(hexChars, 32) }, { weight: 1, arbitrary: wrongType }),
      msg_id: fc.oneof({ weight: 9, arbitrary: nearly(hexChars, 32) }, { weight: 1, arbitrary: wrongType }),
      cf: fc.oneof({ weight: 9, arbitrary: commitment }, { weight: 1, arbitrary: wrongType }),
      envelopes: fc.oneof(
        { weight: 9, arbitrary: fc.array(envelope, { minLength: 1, maxLength: 3 }) },
        {
          weight: 2,
          arbitrary: fc.array(envelope, { minLength: 0, maxLength: MAX_ENVELOPES_PER_MESSAGE + 1 }),
        },
        { weight: 1, arbitrary: wrongType },
      ),
    },
    // Mostly complete frames, sometimes with a field missing or one too many.
    { requiredKeys: ['type', 'chat_id', 'msg_id', 'cf', 'envelopes'] },
  )
  .chain((f) =>
    fc.constantFrom(
      f,
      f,
      f,
      f,
      // Drop one key, add an unknown one, or add an own `__proto__` key, the way JSON.parse keeps it.
      Object.fromEntries(Object.entries(f).slice(1)),
      { ...f, extra: 1 },
      JSON.parse(JSON.stringify(f).replace(/^\{/, '{"__proto__":{"x":1},')) as object,
    ),
  );

/**
 * Both ways: what the fast path takes, the schema takes, with the same result; and on plain objects
 * (all JSON.parse makes, and null-prototype ones) it takes everything the schema takes. Other objects it leaves to zod.
 */
function agree(data: unknown): void {
  const zod = MessageSendFrameSchema.safeParse(data);
  const fast = typeof data === 'object' && data !== null ? fastMessageSend(data) : undefined;
  const proto: unknown = typeof data === 'object' && data !== null ? Object.getPrototypeOf(data) : undefined;
  const plain = proto === Object.prototype || proto === null;
  if (fast !== undefined || (zod.success && plain)) expect(fast).toStrictEqual(zod.data);
  if (!zod.success) expect(fast).toBeUndefined();
}

describe('fastMessageSend', () => {
  it('accepts and rejects exactly as MessageSendFrameSchema does (generated frames, JSON round trip)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(frame, (f) => {
        // What a socket gives: the frame after JSON, so `undefined` fields vanish as on the wire.
        const data = JSON.parse(JSON.stringify(f)) as unknown;
        agree(data);
        agree(f);
        if (MessageSendFrameSchema.safeParse(data).success) accepted++;
      }),
      { numRuns: 3000 },
    );
    // The generator must reach both sides, or the property says little.
    expect(accepted).toBeGreaterThan(150);
  });

  it('agrees on hand-picked tricky inputs', () => {
    const ok = {
      type: 'message.send',
      chat_id: 'a'.repeat(32),
      msg_id: '0'.repeat(32),
      cf: 'A'.repeat(43) + '=',
      envelopes: [{ to_client: 'f'.repeat(64), ciphertext: 'AAAA' }],
    };
    const cases: unknown[] = [
      ok,
      { ...ok, ref: 'r' },
      { ...ok, ref: undefined },
      { ...ok, ref: '' },
      { ...ok, ref: 'x'.repeat(64) },
      { ...ok, ref: 'x'.repeat(65) },
      { ...ok, ref: null },
      { ...ok, chat_id: 'A'.repeat(32) },
      { ...ok, chat_id: 'a'.repeat(31) + '\n' },
      { ...ok, cf: 'A'.repeat(44) },
      { ...ok, cf: 'A'.repeat(42) + '==' },
      { ...ok, envelopes: [] },
      { ...ok, envelopes: Array.from({ length: 33 }, () => ok.envelopes[0]) },
      { ...ok, envelopes: Array.from({ length: 32 }, () => ok.envelopes[0]) },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: '' }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: '===' }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: '==' }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: 'A=A' }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: 'AAAA\n' }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: 'A'.repeat(MAX_CIPHERTEXT_B64) }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], ciphertext: 'A'.repeat(MAX_CIPHERTEXT_B64 + 1) }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], to_client: 'f'.repeat(128) }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], to_client: 'f'.repeat(96) }] },
      { ...ok, envelopes: [{ ...ok.envelopes[0], extra: 1 }] },
      { ...ok, envelopes: [ok.envelopes[0], null] },
      { ...ok, envelopes: { 0: ok.envelopes[0], length: 1 } },
      { ...ok, extra: 1 },
      { ...ok, type: 'typing' },
      Object.assign(Object.create(null) as object, ok),
      Object.assign(Object.create({ injected: 1 }) as object, ok),
      JSON.parse(JSON.stringify(ok).replace('{', '{"__proto__":1,')) as unknown,
      [ok],
    ];
    for (const c of cases) agree(c);
  });

  it('is what readClientFrame gives for a well-formed message.send', () => {
    const raw = JSON.stringify({
      ref: 'm1',
      type: 'message.send',
      chat_id: 'b'.repeat(32),
      msg_id: 'c'.repeat(32),
      cf: 'B'.repeat(43) + '=',
      envelopes: [{ to_client: 'd'.repeat(128), ciphertext: 'QUJD' }],
    });
    const r = readClientFrame(raw, 1 << 20);
    expect(r.frame).toStrictEqual(MessageSendFrameSchema.parse(JSON.parse(raw)));
    expect(r.ref).toBe('m1');
    // A malformed one still gets the schema's typed error.
    expect(readClientFrame(raw.replace('QUJD', 'QU-D'), 1 << 20).error?.code).toBe('INVALID_INPUT');
  });
});
