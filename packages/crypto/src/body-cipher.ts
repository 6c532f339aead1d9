import { cbc } from '@noble/ciphers/aes.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes, managedNonce } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { CryptoError } from './crypto-error.js';
import type { Profile } from './profile.js';

const SIGNAL_MAC_LENGTH = 8;

/** Cipher key material expanded from one message key. */
export interface MessageKeyMaterial {
  cipherKey: Uint8Array;
  /** Only for the encrypt-then-MAC cipher (empty for an AEAD). */
  macKey: Uint8Array;
  /** The derived IV of the Signal profile; empty for XChaCha20-Poly1305 (its nonce is random, on the wire). */
  nonce: Uint8Array;
}

/**
 * Expands a message key. For XChaCha20-Poly1305 only the key is derived: the 24-byte nonce is
 * random and travels in front of the ciphertext, so even a message key used twice (a state restored
 * from a backup, two tabs racing on one session) never repeats a keystream. The Signal test profile
 * keeps libsignal's derived IV so its known answers still apply.
 */
export function expandMessageKey(profile: Profile, messageKey: Uint8Array): MessageKeyMaterial {
  const info = utf8ToBytes(profile.messageKeyInfo);
  if (profile.cipher === 'xchacha20poly1305') {
    const okm = hkdf(sha256, messageKey, undefined, info, 32);
    return { cipherKey: okm, macKey: new Uint8Array(0), nonce: new Uint8Array(0) };
  }
  // libsignal layout: 32 cipher key || 32 MAC key || 16 IV.
  const okm = hkdf(sha256, messageKey, undefined, info, 80);
  return { cipherKey: okm.subarray(0, 32), macKey: okm.subarray(32, 64), nonce: okm.subarray(64, 80) };
}

/** Encrypts one message body under a single-use message key, authenticating `ad` (XChaCha: random nonce || ciphertext). */
export function sealBody(
  profile: Profile,
  messageKey: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
): Uint8Array {
  const k = expandMessageKey(profile, messageKey);
  if (profile.cipher === 'xchacha20poly1305')
    return managedNonce(xchacha20poly1305)(k.cipherKey, ad).encrypt(plaintext);
  const ct = cbc(k.cipherKey, k.nonce).encrypt(plaintext);
  const mac = hmac(sha256, k.macKey, concatBytes(ad, ct)).subarray(0, SIGNAL_MAC_LENGTH);
  return concatBytes(ct, mac);
}

/** Reverses `sealBody`; any change to key, body or `ad` is `CryptoError('decrypt_failed')`. */
export function openBody(
  profile: Profile,
  messageKey: Uint8Array,
  ciphertext: Uint8Array,
  ad: Uint8Array,
): Uint8Array {
  const k = expandMessageKey(profile, messageKey);
  try {
    if (profile.cipher === 'xchacha20poly1305')
      return managedNonce(xchacha20poly1305)(k.cipherKey, ad).decrypt(ciphertext);
    if (ciphertext.length < SIGNAL_MAC_LENGTH + 16) throw new Error('short');
    const ct = ciphertext.subarray(0, ciphertext.length - SIGNAL_MAC_LENGTH);
    const mac = hmac(sha256, k.macKey, concatBytes(ad, ct)).subarray(0, SIGNAL_MAC_LENGTH);
    // Encrypt-then-MAC: check the tag before touching the CBC padding.
    if (!equalBytes(mac, ciphertext.subarray(ct.length))) throw new Error('mac');
    return cbc(k.cipherKey, k.nonce).decrypt(ct);
  } catch {
    throw new CryptoError('decrypt_failed', 'message authentication failed');
  }
}
