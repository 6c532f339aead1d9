import { toBase64 } from './base64.js';
import { newEd25519 } from './keys.js';

/**
 * A user's long-term Ed25519 identity key. It certifies the user's devices and is what the
 * safety number shows. JSON-serialisable; keep the secret half on the user's devices only.
 */
export interface Identity {
  v: 1;
  /** Ed25519 secret key, base64. */
  secretKey: string;
  /** Ed25519 public key, base64. This is the user's identity ("user key") everywhere. */
  publicKey: string;
}

/** Creates a fresh user identity key. */
export function generateIdentity(): Identity {
  const k = newEd25519();
  return { v: 1, secretKey: toBase64(k.secretKey), publicKey: toBase64(k.publicKey) };
}
