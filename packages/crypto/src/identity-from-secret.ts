import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { toBase64 } from './base64.js';
import { isV2Secret } from './account-secret.js';
import { CryptoError } from './crypto-error.js';
import type { Identity } from './identity.js';

/**
 * LEGACY (v1 accounts whose secret the server made and saw). Derives the user's identity key from
 * the account secret, so every device the user signs in on
 * (with username + secret, the only credential OmeChat has) holds the same identity without a
 * device-linking step. Deterministic: HKDF-SHA256(ikm = secret, salt = label, info = user_hash)
 * gives the Ed25519 seed. The limit (docs/crypto.md): the server sees the secret when it creates
 * the account and at each sign-in, so E2E protection assumes it does not keep it.
 */
export function identityFromSecret(secret: string, userHash: string): Identity {
  if (secret.length < 32) throw new CryptoError('bad_argument', 'the account secret is too short');
  const seed = hkdf(
    sha256,
    utf8ToBytes(secret),
    utf8ToBytes('OmeChat identity v1'),
    utf8ToBytes(userHash),
    32,
  );
  return { v: 1, secretKey: toBase64(seed), publicKey: toBase64(ed25519.getPublicKey(seed)) };
}

/**
 * The identity key of a v2 account: HKDF-SHA256(ikm = secret, salt = "OmeChat identity v2",
 * info = user_hash) as the Ed25519 seed. Every device the user signs in on with username + secret
 * derives the same identity, and the server, which sees only `authenticatorFromSecret(secret)`
 * (another salt), cannot. Refuses anything that is not a device-made (v2) secret.
 */
export function identityFromSecretV2(secret: string, userHash: string): Identity {
  if (!isV2Secret(secret)) throw new CryptoError('bad_argument', 'not a valid account secret (typo?)');
  const seed = hkdf(
    sha256,
    utf8ToBytes(secret),
    utf8ToBytes('OmeChat identity v2'),
    utf8ToBytes(userHash),
    32,
  );
  return { v: 1, secretKey: toBase64(seed), publicKey: toBase64(ed25519.getPublicKey(seed)) };
}
