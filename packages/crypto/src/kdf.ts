import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Profile } from './profile.js';

const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
const CHAIN_KEY_SEED = Uint8Array.of(0x02);
// PQXDH/X3DH prefix: 32 0xFF bytes, so the KDF input never starts like a valid X25519 output.
const HANDSHAKE_PREFIX = new Uint8Array(32).fill(0xff);

/** Root key and first chain key produced by the handshake. */
export interface HandshakeKeys {
  rootKey: Uint8Array;
  chainKey: Uint8Array;
}

/** HKDF-SHA256(salt = zeros, ikm = 0xFF*32 || secrets..., info) -> 64 bytes = root key || chain key. */
export function deriveHandshakeKeys(profile: Profile, secrets: Uint8Array[]): HandshakeKeys {
  const okm = hkdf(
    sha256,
    concatBytes(HANDSHAKE_PREFIX, ...secrets),
    undefined,
    utf8ToBytes(profile.handshakeInfo),
    64,
  );
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}

/** KDF_RK: HKDF-SHA256(salt = root key, ikm = DH output) -> new root key || new chain key. */
export function kdfRoot(profile: Profile, rootKey: Uint8Array, dhOut: Uint8Array): HandshakeKeys {
  const okm = hkdf(sha256, dhOut, rootKey, utf8ToBytes(profile.rootInfo), 64);
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}

/** Signal's chain rule: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02). */
export function kdfChain(chainKey: Uint8Array): { messageKey: Uint8Array; nextChainKey: Uint8Array } {
  return {
    messageKey: hmac(sha256, chainKey, MESSAGE_KEY_SEED),
    nextChainKey: hmac(sha256, chainKey, CHAIN_KEY_SEED),
  };
}
