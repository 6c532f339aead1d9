import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64 } from './base64.js';
import { CryptoError } from './crypto-error.js';

/** Signal's iteration count for displayable fingerprints. */
export const FINGERPRINT_ITERATIONS = 5200;
const FINGERPRINT_VERSION = Uint8Array.of(0, 0);

/**
 * One side of a Signal version-0 displayable fingerprint: SHA-512 iterated over
 * (version || key || id), then (hash || key); the first 30 bytes as six 5-digit groups.
 */
export function fingerprintDigits(
  key: Uint8Array,
  id: Uint8Array,
  iterations = FINGERPRINT_ITERATIONS,
): string {
  if (!Number.isInteger(iterations) || iterations <= 1 || iterations > 1_000_000) {
    throw new CryptoError('bad_argument', 'iterations out of range');
  }
  let hash = sha512(concatBytes(FINGERPRINT_VERSION, key, id, key));
  for (let i = 1; i < iterations; i++) hash = sha512(concatBytes(hash, key));
  let out = '';
  for (let i = 0; i < 30; i += 5) {
    // 40-bit big-endian chunk mod 100000; split so the arithmetic stays exact in doubles.
    const hi = hash[i]!;
    const lo = ((hash[i + 1]! << 24) | (hash[i + 2]! << 16) | (hash[i + 3]! << 8) | hash[i + 4]!) >>> 0;
    out += String((hi * 2 ** 32 + lo) % 100000).padStart(5, '0');
  }
  return out;
}

/** Signal's 60-digit displayable fingerprint from raw key and id bytes (both sides, sorted). */
export function displayableFingerprint(
  localKey: Uint8Array,
  localId: Uint8Array,
  remoteKey: Uint8Array,
  remoteId: Uint8Array,
  iterations = FINGERPRINT_ITERATIONS,
): string {
  const local = fingerprintDigits(localKey, localId, iterations);
  const remote = fingerprintDigits(remoteKey, remoteId, iterations);
  return local < remote ? local + remote : remote + local;
}

/**
 * The safety number of two users: the same 60 digits on both sides. Keys are the users' Ed25519
 * identity keys (base64), ids their user hashes. Compare it out of band or via QR code.
 */
export function safetyNumber(
  localUserKey: string,
  localUserHash: string,
  remoteUserKey: string,
  remoteUserHash: string,
): string {
  return displayableFingerprint(
    fromBase64(localUserKey, 32),
    utf8ToBytes(localUserHash),
    fromBase64(remoteUserKey, 32),
    utf8ToBytes(remoteUserHash),
  );
}

/** Formats 60 digits as 12 groups of 5 separated by spaces (as Signal shows them). */
export function formatSafetyNumber(digits: string): string {
  if (!/^\d{60}$/.test(digits)) throw new CryptoError('bad_argument', 'a safety number has 60 digits');
  return digits.match(/\d{5}/g)!.join(' ');
}
