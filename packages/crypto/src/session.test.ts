import { describe, expect, test } from 'vitest';
import { sessionPair, testUser } from '../test/session-pair.js';
import type { TestUser } from '../test/session-pair.js';
import { fromBase64, toBase64 } from './base64.js';
import { acceptSession, initiateSession } from './handshake.js';
import { SIGNAL_PROFILE } from './profile.js';
import { encodeBundle, publicBundle, verifyBundle } from './public-bundle.js';
import { MAX_SKIP, MAX_STORED_SKIPPED } from './ratchet.js';
import { belongsToSession, decrypt, encrypt, inspectMessage } from './session-cipher.js';
import type { SessionState } from './session-state.js';

const KF = toBase64(new Uint8Array(32).fill(9));

/** A mutable holder so tests read like a conversation; states always go through JSON like the sdk's store. */
class Party {
  constructor(
    readonly user: TestUser,
    public state: SessionState,
  ) {}
  send(body: string): string {
    const r = encrypt(this.state, { body, kf: KF, sender: this.user.hash });
    this.state = JSON.parse(JSON.stringify(r.session)) as SessionState;
    return r.ciphertext;
  }
  receive(ciphertext: string): string {
    const r = decrypt(this.state, ciphertext);
    this.state = JSON.parse(JSON.stringify(r.session)) as SessionState;
    return r.message.body;
  }
}

function pair(opts: Parameters<typeof sessionPair>[2] = {}): { a: Party; b: Party } {
  const ua = testUser('a'.repeat(64));
  const ub = testUser('b'.repeat(64));
  const { alice, bob } = sessionPair(ua, ub, opts);
  return { a: new Party(ua, alice), b: new Party(ub, bob) };
}

function flipByte(b64: string, index: number): string {
  const b = fromBase64(b64);
  b[index < 0 ? b.length + index : index]! ^= 0x40;
  return toBase64(b);
}

const code = (c: string) => expect.objectContaining({ code: c });

describe.each([
  ['OmeChat', {}],
  ['Signal', { profile: SIGNAL_PROFILE }],
  ['OmeChat without one-time prekey', { oneTime: false }],
])('sessions (%s profile)', (_name, opts) => {
  test('both directions over many ratchet turns', () => {
    const { a, b } = pair(opts);
    for (let turn = 0; turn < 40; turn++) {
      const [from, to] = turn % 2 ? [a, b] : [b, a];
      const burst = 1 + (turn % 3);
      for (let i = 0; i < burst; i++) expect(to.receive(from.send(`t${turn}m${i}`))).toBe(`t${turn}m${i}`);
    }
    expect(a.state.pendingInit).toBeNull();
  });
});

describe('sessions', () => {
  test('the initiator repeats the handshake header until the first reply', () => {
    const { a, b } = pair();
    const second = a.send('second');
    expect(inspectMessage(second).initial).toBe(true);
    expect(belongsToSession(b.state, inspectMessage(second))).toBe(true);
    expect(b.receive(second)).toBe('second');
    expect(a.receive(b.send('reply'))).toBe('reply');
    expect(inspectMessage(a.send('third')).initial).toBe(false);
  });

  test('out-of-order delivery within and across chains, with dropped messages', () => {
    const { a, b } = pair();
    a.receive(b.send('sync'));
    const first = [0, 1, 2, 3, 4].map((i) => a.send(`a${i}`));
    expect(b.receive(first[3]!)).toBe('a3');
    expect(b.receive(first[0]!)).toBe('a0');
    const reply = b.send('b0');
    expect(a.receive(reply)).toBe('b0');
    const second = [0, 1, 2].map((i) => a.send(`c${i}`));
    expect(b.receive(second[2]!)).toBe('c2'); // skips a1, a2, a4 of the old chain and c0, c1
    expect(b.receive(first[4]!)).toBe('a4');
    expect(b.receive(second[0]!)).toBe('c0');
    expect(b.receive(first[1]!)).toBe('a1');
    // a2 and c1 are never delivered: the session carries on regardless.
    expect(a.receive(b.send('still here'))).toBe('still here');
    expect(b.receive(a.send('yes'))).toBe('yes');
    expect(b.state.skipped.length).toBe(2);
  });

  test('replays are rejected: same chain, stored key, and an expired chain', () => {
    const { a, b } = pair();
    a.receive(b.send('sync'));
    const m0 = a.send('m0');
    const m1 = a.send('m1');
    const m2 = a.send('m2');
    b.receive(m0);
    expect(() => b.receive(m0)).toThrow(code('replay'));
    b.receive(m2);
    b.receive(m1); // from the skipped store
    expect(() => b.receive(m1)).toThrow(code('replay'));
    expect(() => b.receive(m2)).toThrow(code('replay'));
    a.receive(b.send('turn'));
    b.receive(a.send('new chain'));
    expect(() => b.receive(m2)).toThrow(code('replay'));
  });

  test('tampered header, body and associated data are rejected without changing state', () => {
    const { a, b } = pair();
    a.receive(b.send('sync'));
    const m = a.send('secret');
    const before = JSON.stringify(b.state);
    // Header fields: version 0, type 1, ratchet key 2..33, pn 34..37, n 38..41.
    for (const i of [2, 20, 35, 41]) expect(() => b.receive(flipByte(m, i))).toThrow();
    expect(() => b.receive(flipByte(m, 1))).toThrow(code('invalid_encoding'));
    expect(() => b.receive(flipByte(m, -1))).toThrow(code('decrypt_failed'));
    expect(() => b.receive(flipByte(m, 50))).toThrow(code('decrypt_failed'));
    const otherAd = { ...b.state, ad: flipByte(b.state.ad, 40) };
    expect(() => decrypt(otherAd, m)).toThrow(code('decrypt_failed'));
    expect(JSON.stringify(b.state)).toBe(before);
    expect(b.receive(m)).toBe('secret');
  });

  test('encrypt and decrypt never mutate their input state', () => {
    const { a, b } = pair();
    const frozen = JSON.stringify(a.state);
    const r1 = encrypt(a.state, { body: 'x', kf: KF, sender: 'a' });
    const r2 = encrypt(a.state, { body: 'x', kf: KF, sender: 'a' });
    expect(JSON.stringify(a.state)).toBe(frozen);
    expect(r1.session).toEqual(r2.session);
    const bFrozen = JSON.stringify(b.state);
    decrypt(b.state, r1.ciphertext);
    expect(JSON.stringify(b.state)).toBe(bFrozen);
  });

  test('a tampered initiator certificate is rejected', () => {
    const ua = testUser('a');
    const ub = testUser('b');
    const bundle = verifyBundle(encodeBundle(publicBundle(ub.device, ub.prekeys)));
    const s = initiateSession(ua.device, bundle);
    const m = encrypt(s, { body: 'hi', kf: KF, sender: 'a' }).ciphertext;
    // The certificate sits at bytes 98..161 of an initial message.
    expect(() => acceptSession(ub.device, ub.prekeys, flipByte(m, 120))).toThrow(code('bad_signature'));
    expect(() => acceptSession(ub.device, ub.prekeys, m, { expectedUserKey: ub.identity.publicKey })).toThrow(
      code('identity_mismatch'),
    );
    expect(() => acceptSession(ub.device, ub.prekeys, m, { profile: SIGNAL_PROFILE })).toThrow(
      code('decrypt_failed'),
    );
    const ok = acceptSession(ub.device, ub.prekeys, m, { expectedUserKey: ua.identity.publicKey });
    expect(ok.message.body).toBe('hi');
    expect(ok.peer.userKey).toBe(ua.identity.publicKey);
    expect(ok.prekeys.oneTimePrekeys.length).toBe(ub.prekeys.oneTimePrekeys.length - 1);
    // The handshake is remembered (and the one-time prekey gone): a replay cannot start a second session.
    expect(() => acceptSession(ub.device, ok.prekeys, m)).toThrow(code('replay'));
    const forgotten = { ...ok.prekeys, seenHandshakes: {} };
    expect(() => acceptSession(ub.device, forgotten, m)).toThrow(code('unknown_prekey'));
  });

  test('an initial message for a rotated-out signed prekey is unknown_prekey', () => {
    const ua = testUser('a');
    const ub = testUser('b', 0);
    const bundle = verifyBundle(publicBundle(ub.device, ub.prekeys));
    const m = encrypt(initiateSession(ua.device, bundle), { body: 'hi', kf: KF, sender: 'a' }).ciphertext;
    const other = testUser('b', 0).prekeys;
    expect(() => acceptSession(ub.device, other, m)).toThrow(code('unknown_prekey'));
  });

  test('simultaneous initiation is reported as session_mismatch', () => {
    const { a, b } = pair();
    a.receive(b.send('sync'));
    const fresh = initiateSession(b.user.device, verifyBundle(publicBundle(a.user.device, a.user.prekeys)));
    const m = encrypt(fresh, { body: 'again', kf: KF, sender: 'b' }).ciphertext;
    expect(belongsToSession(a.state, inspectMessage(m))).toBe(false);
    expect(() => a.receive(m)).toThrow(code('session_mismatch'));
  });

  test('skipped keys are capped per message and in total', () => {
    const { a, b } = pair();
    a.receive(b.send('sync'));
    for (let i = 0; i < MAX_SKIP; i++) a.send('lost');
    expect(b.receive(a.send('just in range'))).toBe('just in range');
    expect(b.state.skipped.length).toBe(MAX_SKIP);
    for (let i = 0; i <= MAX_SKIP; i++) a.send('lost');
    expect(() => b.receive(a.send('too far'))).toThrow(code('too_many_skipped'));
    // Across a ratchet step too: the stored total stays capped, oldest dropped first.
    const { a: c, b: d } = pair();
    c.receive(d.send('sync'));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 999; i++) c.send('lost');
      d.receive(c.send('arrives'));
      c.receive(d.send('turn'));
    }
    expect(d.state.skipped.length).toBe(MAX_STORED_SKIPPED);
  });
});
