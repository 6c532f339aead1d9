import { describe, expect, test } from 'vitest';
import { testUser } from '../test/session-pair.js';
import { acceptSession, initiateSession } from './handshake.js';
import { bundleWithOneTimePrekey, publicBundle, verifyBundle } from './public-bundle.js';
import { decrypt, encrypt } from './session-cipher.js';
import { addOneTimeKemPrekeys, generatePrekeys, upgradePrekeySet } from './prekeys.js';
import { fromBase64, toBase64 } from './base64.js';
import { decodeWireMessage } from './wire-message.js';

const KF = 'A'.repeat(43) + '=';
const CTX = { chat_id: 'c'.repeat(32), msg_id: 'd'.repeat(32) };
const code = (c: string) => expect.objectContaining({ code: c });

function firstMessage(withOneTime: boolean) {
  const a = testUser('a');
  const b = testUser('b', 1);
  const full = publicBundle(b.device, b.prekeys);
  const served = bundleWithOneTimePrekey(full, withOneTime ? full.oneTimePrekeys[0]!.id : null);
  const start = initiateSession(a.device, verifyBundle(served));
  const m = encrypt(start, { body: 'hello', kf: KF, sender: 'a' }, CTX);
  return { a, b, start: m.session, wire: m.ciphertext };
}

describe('first messages without a one-time prekey', () => {
  test('a replay is refused with `replay` instead of making a second session', () => {
    const { b, wire } = firstMessage(false);
    const ok = acceptSession(b.device, b.prekeys, wire, { context: CTX });
    expect(ok.message.body).toBe('hello');
    expect(ok.prekeys.oneTimePrekeys).toHaveLength(1); // nothing consumed, so only the memory helps
    expect(Object.values(ok.prekeys.seenHandshakes).flat()).toHaveLength(1);
    expect(() => acceptSession(b.device, ok.prekeys, wire, { context: CTX })).toThrow(code('replay'));
    // The record survives a JSON round trip (it is persisted with the prekeys).
    const reloaded = JSON.parse(JSON.stringify(ok.prekeys)) as typeof ok.prekeys;
    expect(() => acceptSession(b.device, reloaded, wire, { context: CTX })).toThrow(code('replay'));
  });

  test('a failed attempt records nothing', () => {
    const { b, wire } = firstMessage(false);
    expect(() =>
      acceptSession(b.device, b.prekeys, wire, { context: { ...CTX, msg_id: 'e'.repeat(32) } }),
    ).toThrow(code('decrypt_failed'));
    expect(b.prekeys.seenHandshakes).toEqual({});
    expect(acceptSession(b.device, b.prekeys, wire, { context: CTX }).message.body).toBe('hello');
  });
});

describe('wire version 2', () => {
  test('every body carries a fresh random nonce: the same state encrypting twice differs', () => {
    const { start } = firstMessage(true);
    const x = encrypt(start, { body: 'same', kf: KF, sender: 'a' }, CTX).ciphertext;
    const y = encrypt(start, { body: 'same', kf: KF, sender: 'a' }, CTX).ciphertext;
    const cx = decodeWireMessage(x).ciphertext;
    const cy = decodeWireMessage(y).ciphertext;
    expect(toBase64(cx.subarray(0, 24))).not.toBe(toBase64(cy.subarray(0, 24)));
    expect(toBase64(cx.subarray(24))).not.toBe(toBase64(cy.subarray(24)));
    expect(fromBase64(x)[0]).toBe(2);
  });

  test('a relabelled envelope (other chat id or msg id) fails with decrypt_failed; the right one opens', () => {
    const { b, wire } = firstMessage(true);
    const ok = acceptSession(b.device, b.prekeys, wire, { context: CTX });
    const { start } = firstMessage(true);
    void start;
    // On an established session too.
    const { a: a2, b: b2 } = { a: testUser('a'), b: testUser('b', 1) };
    const s = initiateSession(a2.device, verifyBundle(publicBundle(b2.device, b2.prekeys)));
    const first = encrypt(s, { body: 'one', kf: KF, sender: 'a' }, CTX);
    const acc = acceptSession(b2.device, b2.prekeys, first.ciphertext, { context: CTX });
    const next = encrypt(first.session, { body: 'two', kf: KF, sender: 'a' }, CTX).ciphertext;
    expect(() => decrypt(acc.session, next, { ...CTX, chat_id: 'f'.repeat(32) })).toThrow(
      code('decrypt_failed'),
    );
    expect(() => decrypt(acc.session, next, { ...CTX, msg_id: 'f'.repeat(32) })).toThrow(
      code('decrypt_failed'),
    );
    expect(decrypt(acc.session, next, CTX).message.body).toBe('two');
    expect(ok.message.body).toBe('hello');
  });

  test('a version 1 message is refused as unsupported', () => {
    const { wire } = firstMessage(true);
    const bytes = fromBase64(wire);
    bytes[0] = 1;
    expect(() => decodeWireMessage(bytes)).toThrow(code('unsupported_version'));
  });
});

describe('one-time ML-KEM prekeys', () => {
  test('a served one is used once and consumed; a forged one is refused', () => {
    const a = testUser('a');
    const b = testUser('b', 1);
    b.prekeys = addOneTimeKemPrekeys(b.device, b.prekeys, 2);
    const pq = b.prekeys.oneTimeKemPrekeys[0]!;
    const served = {
      ...bundleWithOneTimePrekey(publicBundle(b.device, b.prekeys), null),
      oneTimeKemPrekey: { id: pq.id, publicKey: pq.publicKey, signature: pq.signature },
    };
    const verified = verifyBundle(served);
    const m = encrypt(
      initiateSession(a.device, verified),
      { body: 'pq', kf: KF, sender: 'a' },
      CTX,
    ).ciphertext;
    expect(decodeWireMessage(m).init!.kemPrekeyId).toBe(pq.id);
    const ok = acceptSession(b.device, b.prekeys, m, { context: CTX });
    expect(ok.message.body).toBe('pq');
    expect(ok.prekeys.oneTimeKemPrekeys.map((k) => k.id)).toEqual([b.prekeys.oneTimeKemPrekeys[1]!.id]);
    const other = b.prekeys.oneTimeKemPrekeys[1]!;
    expect(() =>
      verifyBundle({ ...served, oneTimeKemPrekey: { ...served.oneTimeKemPrekey, id: other.id } }),
    ).toThrow(code('bad_signature'));
  });

  test('a version 1 set is upgraded without losing its keys', () => {
    const b = testUser('b', 2);
    const {
      v: _v,
      createdAt: _c,
      oneTimeKemPrekeys: _k,
      seenHandshakes: _s,
      previous: _p,
      ...rest
    } = b.prekeys;
    const v1 = { v: 1 as const, ...rest, previous: null };
    const up = upgradePrekeySet(v1, 1000);
    expect(up).toMatchObject({ v: 2, createdAt: 1000, oneTimeKemPrekeys: [], seenHandshakes: {} });
    expect(up.signedPrekey).toEqual(b.prekeys.signedPrekey);
    expect(generatePrekeys(b.device, 0, { kemCount: 3, now: 5 }).oneTimeKemPrekeys).toHaveLength(3);
  });
});
