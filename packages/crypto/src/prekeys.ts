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

/** A device's prekeys (secret). JSON-serialisable; the sdk persists it and uploads `publicBundle`. */
export interface PrekeySet {
  v: 1;
  signedPrekey: SignedPrekey;
  kemPrekey: SignedPrekey;
  /** The pair before the last rotation, so first messages already in flight still open. */
  previous: { signedPrekey: SignedPrekey; kemPrekey: SignedPrekey } | null;
  oneTimePrekeys: OneTimePrekey[];
  /** Next prekey id to hand out; ids are never reused within a set. */
  nextId: number;
}

/** Caps what one call creates; a bundle must stay small enough for one request. */
export const MAX_ONE_TIME_PREKEYS = 1000;

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

/** Creates a device's signed X25519 prekey, signed ML-KEM-768 prekey and `count` one-time prekeys. */
export function generatePrekeys(device: DeviceKeys, count: number): PrekeySet {
  const start = randomStartId();
  const pair = newSignedPair(device, start);
  return {
    v: 1,
    ...pair,
    previous: null,
    oneTimePrekeys: newOneTime(count, start + 2),
    nextId: start + 2 + count,
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

/** Returns a new set with fresh signed prekeys; the old pair is kept as `previous`. */
export function rotateSignedPrekeys(device: DeviceKeys, prekeys: PrekeySet): PrekeySet {
  const pair = newSignedPair(device, prekeys.nextId);
  return {
    ...prekeys,
    ...pair,
    previous: { signedPrekey: prekeys.signedPrekey, kemPrekey: prekeys.kemPrekey },
    nextId: prekeys.nextId + 2,
  };
}
