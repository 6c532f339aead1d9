import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sessionPair, testUser } from '../test/session-pair.js';
import { toBase64 } from './base64.js';
import { CryptoError } from './crypto-error.js';
import { decrypt, encrypt } from './session-cipher.js';
import type { SessionState } from './session-state.js';

const KF = toBase64(new Uint8Array(32));
const a = testUser('a');
const b = testUser('b', 50);

describe('random message orders (fast-check)', () => {
  test('any delivery order of any send schedule decrypts every message exactly once', () => {
    fc.assert(
      fc.property(
        // Who sends each message (true = Alice), then a permutation of delivery per direction.
        fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }),
        fc.infiniteStream(fc.nat()),
        (senders, randomness) => {
          let { alice, bob } = sessionPair(a, b);
          const inFlight: { to: 'alice' | 'bob'; ct: string; body: string }[] = [];
          senders.forEach((fromAlice, i) => {
            const body = `m${i}`;
            if (fromAlice) {
              const r = encrypt(alice, { body, kf: KF, sender: 'a' });
              alice = r.session;
              inFlight.push({ to: 'bob', ct: r.ciphertext, body });
            } else {
              const r = encrypt(bob, { body, kf: KF, sender: 'b' });
              bob = r.session;
              inFlight.push({ to: 'alice', ct: r.ciphertext, body });
            }
          });
          const it = randomness[Symbol.iterator]();
          const delivered: typeof inFlight = [];
          while (inFlight.length) {
            const [m] = inFlight.splice(it.next().value % inFlight.length, 1);
            delivered.push(m!);
            if (m!.to === 'bob') {
              const r = decrypt(bob, m!.ct);
              bob = r.session;
              expect(r.message.body).toBe(m!.body);
            } else {
              const r = decrypt(alice, m!.ct);
              alice = r.session;
              expect(r.message.body).toBe(m!.body);
            }
          }
          // Every message replayed after delivery is rejected, and state stays JSON.
          for (const m of delivered) {
            const s: SessionState = m.to === 'bob' ? bob : alice;
            expect(() => decrypt(s, m.ct)).toThrow(CryptoError);
          }
          expect(JSON.parse(JSON.stringify(alice))).toEqual(alice);
        },
      ),
      { numRuns: 40 },
    );
  });
});
