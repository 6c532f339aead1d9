import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  authenticatorFromSecret,
  fromBase64,
  generateDevice,
  generateSecret,
  identityFromSecretV2,
  isV2Secret,
  verifyDevice,
} from './index.js';

describe('account secrets (v2, made on the device)', () => {
  it('are 64 chars of A-Z a-z 0-9, distinct, and pass their own checksum', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = generateSecret();
      expect(s).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(isV2Secret(s)).toBe(true);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
  });

  it('use every character of the alphabet about evenly (no modulo bias toward the first ones)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 500; i++)
      for (const c of generateSecret().slice(0, 60)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 30000 draws over 62 chars: about 484 each; a byte % 62 bias would give the first 8 chars ~25% more.
    for (const n of counts.values()) expect(n).toBeGreaterThan(350);
    const first8 = [...'ABCDEFGH'].reduce((a, c) => a + counts.get(c)!, 0) / 8;
    const last8 = [...'23456789'].reduce((a, c) => a + counts.get(c)!, 0) / 8;
    expect(first8 / last8).toBeLessThan(1.15);
  });

  it('catch a typo and tell a legacy (server-made) secret from a v2 one', () => {
    const s = generateSecret();
    const typo = s.slice(0, 10) + (s[10] === 'a' ? 'b' : 'a') + s.slice(11);
    expect(isV2Secret(typo)).toBe(false);
    expect(isV2Secret('A'.repeat(64))).toBe(false);
    expect(isV2Secret(s + 'x')).toBe(false);
    expect(() => authenticatorFromSecret(typo)).toThrow(/not a valid account secret/);
    expect(() => identityFromSecretV2('A'.repeat(64), 'u1')).toThrow(/not a valid account secret/);
  });

  it('give an authenticator and an identity under separate labels', () => {
    const s = generateSecret();
    const auth = authenticatorFromSecret(s);
    expect(auth).toMatch(/^[0-9a-f]{64}$/);
    expect(auth).toBe(
      bytesToHex(
        hkdf(sha256, utf8ToBytes(s), utf8ToBytes('OmeChat authenticator v2'), new Uint8Array(0), 32),
      ),
    );
    const id = identityFromSecretV2(s, 'u1');
    expect(identityFromSecretV2(s, 'u1')).toEqual(id);
    expect(identityFromSecretV2(s, 'u2').publicKey).not.toBe(id.publicKey);
    // The authenticator is not the identity seed, nor the seed of any other user's identity.
    expect(bytesToHex(fromBase64(id.secretKey, 32))).not.toBe(auth);
    verifyDevice(generateDevice(id));
  });
});
