import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ByteWriter } from './byte-writer.js';
import { CryptoError } from './crypto-error.js';

/** Key pair of raw bytes, used internally; persisted forms are base64 strings. */
export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export function newX25519(): KeyPair {
  return x25519.keygen();
}

export function newEd25519(): KeyPair {
  return ed25519.keygen();
}

/** X25519 agreement; a low-order or otherwise unusable peer key is a typed `bad_key` error. */
export function dh(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return x25519.getSharedSecret(secretKey, publicKey);
  } catch {
    throw new CryptoError('bad_key', 'unusable X25519 public key');
  }
}

/**
 * The exact bytes an Ed25519 signature covers: a label, then length-prefixed fields. Every signature
 * in the package goes through this, so no signed object can be replayed as another kind.
 */
export function signedMessage(label: string, ...fields: Uint8Array[]): Uint8Array {
  const w = new ByteWriter().lengthPrefixed(utf8ToBytes(`OmeChat v1 ${label}`));
  for (const f of fields) w.lengthPrefixed(f);
  return w.finish();
}

export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Strict RFC 8032 verification (no ZIP-215 leniency), so signatures are not malleable. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export function u32Bytes(n: number): Uint8Array {
  return new ByteWriter().u32(n).finish();
}
