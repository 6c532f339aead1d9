// Micro-benchmark of the E2E protocol: `npm run bench -w packages/crypto`.
// Prints encrypt+decrypt µs per message (same chain, and with a DH ratchet step every message)
// and handshake ms (bundle verification, initiator, responder).
import {
  acceptSession,
  bundleWithOneTimePrekey,
  decrypt,
  encodeBundle,
  encrypt,
  generateDevice,
  generateIdentity,
  generatePrekeys,
  initiateSession,
  publicBundle,
  toBase64,
  verifyBundle,
} from '../src/index.js';
import type { SessionState } from '../src/index.js';

const KF = toBase64(new Uint8Array(32).fill(1));
const BODY = 'x'.repeat(100);

function time(label: string, iterations: number, unit: 'µs' | 'ms', run: () => void): number {
  for (let i = 0; i < Math.min(50, iterations); i++) run(); // warm-up (JIT)
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const ms = (performance.now() - start) / iterations;
  const value = unit === 'µs' ? ms * 1000 : ms;
  console.log(`${label.padEnd(52)} ${value.toFixed(unit === 'µs' ? 1 : 2).padStart(9)} ${unit}`);
  return ms;
}

const alice = generateDevice(generateIdentity());
const bobDevice = generateDevice(generateIdentity());
// acceptSession is pure: it returns a new prekey set, so the bench can reuse this one throughout.
const bobPrekeys = generatePrekeys(bobDevice, 1000);
const full = publicBundle(bobDevice, bobPrekeys);
let otpk = 0;

function handshakeParts(): { wire: string } {
  const served = bundleWithOneTimePrekey(full, full.oneTimePrekeys[otpk++ % 1000]!.id);
  const first = encrypt(initiateSession(alice, verifyBundle(encodeBundle(served))), {
    body: BODY,
    kf: KF,
    sender: 'a',
  });
  return { wire: first.ciphertext };
}

function newPair(): { a: SessionState; b: SessionState } {
  const served = bundleWithOneTimePrekey(full, null);
  const first = encrypt(initiateSession(alice, verifyBundle(served)), { body: BODY, kf: KF, sender: 'a' });
  const accepted = acceptSession(bobDevice, bobPrekeys, first.ciphertext);
  return { a: first.session, b: accepted.session };
}

console.log(`@omechat/crypto bench (node ${process.version})`);
let { a, b } = newPair();
time('encrypt+decrypt, same chain (per message)', 2000, 'µs', () => {
  const m = encrypt(a, { body: BODY, kf: KF, sender: 'a' });
  a = m.session;
  b = decrypt(b, m.ciphertext).session;
});

({ a, b } = newPair());
let turn = 0;
time('encrypt+decrypt, DH ratchet step every message', 200, 'µs', () => {
  if (turn++ % 2 === 0) {
    const m = encrypt(a, { body: BODY, kf: KF, sender: 'a' });
    a = m.session;
    b = decrypt(b, m.ciphertext).session;
  } else {
    const m = encrypt(b, { body: BODY, kf: KF, sender: 'b' });
    b = m.session;
    a = decrypt(a, m.ciphertext).session;
  }
});

const encoded = encodeBundle(bundleWithOneTimePrekey(full, full.oneTimePrekeys[0]!.id));
time('handshake: verifyBundle (3 Ed25519 verifications)', 50, 'ms', () => void verifyBundle(encoded));
const verified = verifyBundle(encoded);
time('handshake: initiateSession + first encrypt', 50, 'ms', () => {
  encrypt(initiateSession(alice, verified), { body: BODY, kf: KF, sender: 'a' });
});
const wires: string[] = [];
for (let i = 0; i < 100; i++) wires.push(handshakeParts().wire);
let w = 0;
time('handshake: acceptSession (incl. first decrypt)', 50, 'ms', () => {
  const r = acceptSession(bobDevice, bobPrekeys, wires[w++ % wires.length]!);
  void r;
});
time('handshake: total (verify + initiate + accept)', 30, 'ms', () => {
  const { wire } = handshakeParts();
  const r = acceptSession(bobDevice, bobPrekeys, wire);
  void r;
});
