import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { isV2Secret } from './account-secret.js';
import { CryptoError } from './crypto-error.js';

/**
 * What the device sends instead of the secret, at sign-up and sign-in: HKDF-SHA256(ikm = secret,
 * salt = "OmeChat authenticator v2", info = "", 32 bytes) as 64 lowercase hex. Its label differs from
 * the identity seed's, so the authenticator (and the server's argon2id hash of it) reveals nothing
 * about the identity key: HKDF outputs under different salts are independent.
 */
export function authenticatorFromSecret(secret: string): string {
  if (!isV2Secret(secret)) throw new CryptoError('bad_argument', 'not a valid account secret (typo?)');
  return bytesToHex(
    hkdf(sha256, utf8ToBytes(secret), utf8ToBytes('OmeChat authenticator v2'), new Uint8Array(0), 32),
  );
}
