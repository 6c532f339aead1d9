import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.js';
import { CryptoError } from './crypto-error.js';
import type { DeviceKeys } from './device.js';
import { newX25519, sign, signedMessage, u32Bytes } from './keys.js';

/** A signed medium-term prekey (X25519 or ML-KEM-768); all bytes base64. */
export interface SignedPrekey {
  id: number;
  secretKey: string;
  publicKey: string;
  /** Device signing key's signature over (id, publicKey). */
  signature: string;
}

/** An unsigned single-use X25519 prekey. */
export interface OneTimePrekey {
  id: number;
  secretKey: string;
  publicKey: string;
}

/** A signed X25519 prekey and the last-resort ML-KEM prekey, made and rotated together. */
export interface SignedPrekeyPair {
  signedPrekey: SignedPrekey;
  kemPrekey: SignedPrekey;
}

/**
 * A device's prekeys (secret). JSON-serialisable; the sdk persists it and uploads `publicBundle`.
 * Version 2 adds rotation times, one-time ML-KEM prekeys and the handshakes already accepted.
 */
export interface PrekeySet extends SignedPrekeyPair {
  v: 2;
  /** When the current pair was made (ms since the epoch): rotation is due `rotateEveryMs` later. */
  createdAt: number;
  /** The pair before the last rotation, so first messages already in flight still open; deleted `graceMs` after `retiredAt`. */
  previous: (SignedPrekeyPair & { retiredAt: number }) | null;
  oneTimePrekeys: OneTimePrekey[];
  /** One-time ML-KEM-768 prekeys (signed, as PQXDH wants); the last-resort `kemPrekey` is used when none is served. */
  oneTimeKemPrekeys: SignedPrekey[];
  /**
   * Handshake ephemeral keys already accepted, by signed prekey id. Kept as long as that prekey can
   * open handshakes, so a replayed first message (no one-time prekey to consume) is refused.
   */
  seenHandshakes: Record<string, string[]>;
  /** Next prekey id to hand out; ids are never reused within a set. */
  nextId: number;
}

/** A version 1 set as stored by earlier SDKs (no times, no one-time ML-KEM prekeys). */
export interface PrekeySetV1 extends SignedPrekeyPair {
  v: 1;
  previous: SignedPrekeyPair | null;
  oneTimePrekeys: OneTimePrekey[];
  nextId: number;
}

/** Caps what one call creates; a bundle must stay small enough for one request. */
export const MAX_ONE_TIME_PREKEYS = 1000;
/** ML-KEM keys are 1184 bytes: fewer of them per call. */
export const MAX_ONE_TIME_KEM_PREKEYS = 100;

export function signedPrekeyMessage(id: number, publicKey: Uint8Array): Uint8Array {
  return signedMessage('signed prekey', u32Bytes(id), publicKey);
}

export function kemPrekeyMessage(id: number, publicKey: Uint8Array): Uint8Array {
  return signedMessage('kem prekey', u32Bytes(id), publicKey);
}

function randomStartId(): number {
  // A random start makes ids from two generations of a device unlikely to collide on the server.
  const b = randomBytes(3);
  return 1 + ((b[0]! << 16) | (b[1]! << 8) | b[2]!);
}

function newSignedPair(
  device: DeviceKeys,
  id: number,
): { signedPrekey: SignedPrekey; kemPrekey: SignedPrekey } {
  const signKey = fromBase64(device.signSecretKey, 32);
  const x = newX25519();
  const k = ml_kem768.keygen();
  return {
    signedPrekey: {
      id,
      secretKey: toBase64(x.secretKey),
      publicKey: toBase64(x.publicKey),
      signature: toBase64(sign(signKey, signedPrekeyMessage(id, x.publicKey))),
    },
    kemPrekey: {
      id: id + 1,
      secretKey: toBase64(k.secretKey),
      publicKey: toBase64(k.publicKey),
      signature: toBase64(sign(signKey, kemPrekeyMessage(id + 1, k.publicKey))),
    },
  };
}

function newOneTime(count: number, firstId: number): OneTimePrekey[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_ONE_TIME_PREKEYS) {
    throw new CryptoError('bad_argument', `count must be 0..${MAX_ONE_TIME_PREKEYS}`);
  }
  const out: OneTimePrekey[] = [];
  for (let i = 0; i < count; i++) {
    const k = newX25519();
    out.push({ id: firstId + i, secretKey: toBase64(k.secretKey), publicKey: toBase64(k.publicKey) });
  }
  return out;
}

function newOneTimeKem(device: DeviceKeys, count: number, firstId: number): SignedPrekey[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_ONE_TIME_KEM_PREKEYS) {
    throw new CryptoError('bad_argument', `count must be 0..${MAX_ONE_TIME_KEM_PREKEYS}`);
  }
  const signKey = fromBase64(device.signSecretKey, 32);
  const out: SignedPrekey[] = [];
  for (let i = 0; i < count; i++) {
    const k = ml_kem768.keygen();
    const id = firstId + i;
    out.push({
      id,
      secretKey: toBase64(k.secretKey),
      publicKey: toBase64(k.publicKey),
      signature: toBase64(sign(signKey, kemPrekeyMessage(id, k.publicKey))),
    });
  }
  return out;
}

/**
 * Creates a device's signed X25519 prekey, last-resort ML-KEM-768 prekey, `count` one-time X25519
 * prekeys and `kemCount` one-time ML-KEM-768 prekeys. `now` starts the rotation clock.
 */
export function generatePrekeys(
  device: DeviceKeys,
  count: number,
  opts: { kemCount?: number; now?: number } = {},
): PrekeySet {
  const start = randomStartId();
  const pair = newSignedPair(device, start);
  const kemCount = opts.kemCount ?? 0;
  return {
    v: 2,
    ...pair,
    createdAt: opts.now ?? Date.now(),
    previous: null,
    oneTimePrekeys: newOneTime(count, start + 2),
    oneTimeKemPrekeys: newOneTimeKem(device, kemCount, start + 2 + count),
    seenHandshakes: {},
    nextId: start + 2 + count + kemCount,
  };
}

/** Reads a stored set of either version; a version 1 set starts its rotation clock at `now`. */
export function upgradePrekeySet(stored: PrekeySet | PrekeySetV1, now: number = Date.now()): PrekeySet {
  if (stored.v === 2) return stored;
  return {
    v: 2,
    signedPrekey: stored.signedPrekey,
    kemPrekey: stored.kemPrekey,
    createdAt: now,
    previous: stored.previous ? { ...stored.previous, retiredAt: now } : null,
    oneTimePrekeys: stored.oneTimePrekeys,
    oneTimeKemPrekeys: [],
    seenHandshakes: {},
    nextId: stored.nextId,
  };
}

/** Returns a new set with `count` more one-time prekeys (top-up after the server runs low). */
export function addOneTimePrekeys(prekeys: PrekeySet, count: number): PrekeySet {
  const added = newOneTime(count, prekeys.nextId);
  return {
    ...prekeys,
    oneTimePrekeys: [...prekeys.oneTimePrekeys, ...added],
    nextId: prekeys.nextId + count,
  };
}

/** Returns a new set with `count` more one-time ML-KEM prekeys, signed by the device. */
export function addOneTimeKemPrekeys(device: DeviceKeys, prekeys: PrekeySet, count: number): PrekeySet {
  const added = newOneTimeKem(device, count, prekeys.nextId);
  return {
    ...prekeys,
    oneTimeKemPrekeys: [...prekeys.oneTimeKemPrekeys, ...added],
    nextId: prekeys.nextId + count,
  };
}

/**
 * Returns a new set with a fresh signed pair; the old pair becomes `previous` (retired at `now`) and
 * the pair before it is deleted, with the handshakes recorded for it.
 */
export function rotateSignedPrekeys(
  device: DeviceKeys,
  prekeys: PrekeySet,
  now: number = Date.now(),
): PrekeySet {
  const pair = newSignedPair(device, prekeys.nextId);
  const keep = String(prekeys.signedPrekey.id);
  return {
    ...prekeys,
    ...pair,
    createdAt: now,
    previous: { signedPrekey: prekeys.signedPrekey, kemPrekey: prekeys.kemPrekey, retiredAt: now },
    seenHandshakes: prekeys.seenHandshakes[keep] ? { [keep]: prekeys.seenHandshakes[keep] } : {},
    nextId: prekeys.nextId + 2,
  };
}
