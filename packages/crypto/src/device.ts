import { fromBase64, toBase64 } from './base64.js';
import { CryptoError } from './crypto-error.js';
import type { Identity } from './identity.js';
import { newEd25519, newX25519, sign, signedMessage, verify } from './keys.js';

/** The public, certified half of a device: what other devices learn about it. */
export interface DevicePublic {
  /** The owning user's Ed25519 identity key, base64. */
  userKey: string;
  /** The device's X25519 identity key (PQXDH "IK"), base64. */
  dhKey: string;
  /** The device's Ed25519 key, which signs its prekeys, base64. */
  signKey: string;
  /** The user key's signature over (dhKey, signKey), base64. */
  cert: string;
}

/** A device's key material (secret). JSON-serialisable; never leaves the device. */
export interface DeviceKeys extends DevicePublic {
  v: 1;
  dhSecretKey: string;
  signSecretKey: string;
}

export function deviceCertMessage(userKey: Uint8Array, dhKey: Uint8Array, signKey: Uint8Array): Uint8Array {
  return signedMessage('device certificate', userKey, dhKey, signKey);
}

/** Creates a device's X25519 + Ed25519 keys and certifies them with the user's identity key. */
export function generateDevice(identity: Identity): DeviceKeys {
  const userKey = fromBase64(identity.publicKey, 32);
  const dhk = newX25519();
  const sk = newEd25519();
  const cert = sign(
    fromBase64(identity.secretKey, 32),
    deviceCertMessage(userKey, dhk.publicKey, sk.publicKey),
  );
  return {
    v: 1,
    userKey: identity.publicKey,
    dhKey: toBase64(dhk.publicKey),
    signKey: toBase64(sk.publicKey),
    cert: toBase64(cert),
    dhSecretKey: toBase64(dhk.secretKey),
    signSecretKey: toBase64(sk.secretKey),
  };
}

/** The public half of a device. */
export function devicePublic(d: DevicePublic): DevicePublic {
  return { userKey: d.userKey, dhKey: d.dhKey, signKey: d.signKey, cert: d.cert };
}

/** Throws `CryptoError('bad_signature')` unless the user key really certified this device's keys. */
export function verifyDevice(d: DevicePublic): void {
  const userKey = fromBase64(d.userKey, 32);
  const msg = deviceCertMessage(userKey, fromBase64(d.dhKey, 32), fromBase64(d.signKey, 32));
  if (!verify(userKey, msg, fromBase64(d.cert, 64))) {
    throw new CryptoError('bad_signature', 'device certificate does not verify');
  }
}
