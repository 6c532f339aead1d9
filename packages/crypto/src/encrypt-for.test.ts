import { describe, expect, test } from 'vitest';
import { sessionPair, testUser } from '../test/session-pair.js';
import { encryptFor } from './encrypt-for.js';
import { checkFranking, computeFrankingTag, frankingReport, verifyFrankingReport } from './franking.js';
import { decrypt } from './session-cipher.js';
import type { SessionState } from './session-state.js';

describe('encryptFor (multi-device)', () => {
  test('one ciphertext per device, one commitment for all, every copy reportable', () => {
    const alicePhone = testUser('a'.repeat(64));
    const aliceLaptop = { ...testUser('a'.repeat(64)) };
    const bobPhone = testUser('b'.repeat(64));
    const bobWeb = testUser('b'.repeat(64));
    // Alice's phone talks to Bob's two devices and to her own laptop.
    const outgoing: Record<string, SessionState> = {};
    const incoming: Record<string, SessionState> = {};
    for (const [id, peer] of [
      ['bob-phone', bobPhone],
      ['bob-web', bobWeb],
      ['alice-laptop', aliceLaptop],
    ] as const) {
      const { alice, bob } = sessionPair(alicePhone, peer);
      outgoing[id] = alice;
      incoming[id] = bob;
    }
    const out = encryptFor(outgoing, { body: 'hi all', sender: alicePhone.hash });
    expect(Object.keys(out.ciphertexts).sort()).toEqual(['alice-laptop', 'bob-phone', 'bob-web']);
    expect(new Set(Object.values(out.ciphertexts)).size).toBe(3);
    const serverKey = new Uint8Array(32).fill(3);
    for (const [id, ct] of Object.entries(out.ciphertexts)) {
      const { message } = decrypt(incoming[id]!, ct);
      expect(message).toEqual({ body: 'hi all', kf: out.kf, sender: alicePhone.hash });
      checkFranking(message, { cf: out.cf, sender: alicePhone.hash });
      const ctx = { kid: 'k', cf: out.cf, sender: alicePhone.hash, recipient: id, msgId: 'm', ts: 1 };
      const report = frankingReport(message, { ...ctx, rf: computeFrankingTag(serverKey, ctx) });
      expect(verifyFrankingReport(report, () => serverKey)).toBe(true);
    }
    // Input sessions untouched; outputs advanced.
    expect(out.sessions['bob-phone']!.send.n).toBe(outgoing['bob-phone']!.send.n + 1);
  });
});
