import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ServerFrame } from '@omechat/protocol';
import { serverFrameJson } from './server-frame-json.js';

/** Strings that need escaping in JSON, besides plain ones. */
const text = fc.oneof(fc.string(), fc.constantFrom('', '"', '\\', '\u2028', '\u0000', '\ud800', 'a"b\\c\n'));
const ref = fc.option(text, { nil: undefined });
/** Integers as the relay makes them, and the odd numbers JSON.stringify writes as null or 0. */
const count = fc.oneof(fc.nat(), fc.constantFrom(-0, 0.5, 1e21, NaN, Infinity, -Infinity));

// Keys in the order the relay builds them, so the text must be exactly JSON.stringify's.
const messageAck = fc.record(
  {
    type: fc.constant('message.ack' as const),
    ref,
    msg_id: text,
    ts: fc.oneof(fc.nat(), fc.constant(1_764_000_000_000)),
    stored: count,
    delivered: count,
    partner_delivered: count,
    missing_clients: fc.array(text, { maxLength: 4 }),
  },
  { requiredKeys: ['type', 'msg_id', 'ts', 'stored', 'delivered', 'partner_delivered', 'missing_clients'] },
);
const ok = fc.record({ type: fc.constant('ok' as const), ref }, { requiredKeys: ['type'] });
// `ref: undefined` present as a key is what the relay makes when the client sent no ref.
const withUndefinedRef = fc.constantFrom<ServerFrame>(
  { type: 'ok', ref: undefined },
  {
    type: 'message.ack',
    ref: undefined,
    msg_id: 'a'.repeat(32),
    ts: 1,
    stored: 0,
    delivered: 1,
    partner_delivered: 1,
    missing_clients: [],
  },
);
const other = fc.constantFrom<ServerFrame>(
  { type: 'sync.done', pending: 3 },
  { type: 'typing', chat_id: 'c'.repeat(32), user_hash: 'u'.repeat(64), typing: true },
  { type: 'error', ref: 'x', code: 'RATE_LIMITED', message: 'Too many "requests".', status: 429 },
);

describe('serverFrameJson', () => {
  it('writes exactly what JSON.stringify writes, for message acks, ok and the rest', () => {
    fc.assert(
      fc.property(fc.oneof(messageAck, ok, withUndefinedRef, other), (f: ServerFrame) => {
        expect(serverFrameJson(f)).toBe(JSON.stringify(f));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes envelopes that read back as exactly the frame', () => {
    const f: ServerFrame = {
      type: 'envelope',
      id: 'e1',
      chat_id: 'c'.repeat(32),
      msg_id: 'm'.repeat(32),
      from_user: 'u'.repeat(64),
      from_client: 'k'.repeat(64),
      ts: 5,
      ciphertext: 'QUJD',
      cf: 'A'.repeat(43) + '=',
      rf: 'B'.repeat(43) + '=',
      kid: 1,
    };
    expect(JSON.parse(serverFrameJson(f))).toStrictEqual(f);
  });
});
