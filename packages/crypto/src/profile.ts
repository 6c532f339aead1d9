import { CryptoError } from './crypto-error.js';

/** How message bodies are sealed with a message key. */
export type BodyCipher = 'xchacha20poly1305' | 'aes256cbc-hmacsha256';

/**
 * The parameters that distinguish OmeChat's protocol from Signal's: KDF labels and the body cipher.
 * The structure (PQXDH, Double Ratchet, chain rule) is the same for every profile.
 */
export interface Profile {
  /** Stored in session state so a session never silently changes profile. */
  readonly id: string;
  /** HKDF info of the handshake (X3DH/PQXDH) secret. */
  readonly handshakeInfo: string;
  /** HKDF info of the root-key ratchet step. */
  readonly rootInfo: string;
  /** HKDF info that expands a message key into cipher key material. */
  readonly messageKeyInfo: string;
  readonly cipher: BodyCipher;
}

/** The default profile of every OmeChat session. */
export const OMECHAT_PROFILE: Profile = Object.freeze({
  id: 'omechat-v1',
  handshakeInfo: 'OmeChat v1 PQXDH X25519 SHA-256 ML-KEM-768',
  rootInfo: 'OmeChat v1 root ratchet',
  messageKeyInfo: 'OmeChat v1 message keys',
  cipher: 'xchacha20poly1305',
});

/**
 * libsignal's labels and body cipher (AES-256-CBC + truncated HMAC-SHA256). Test only: it lets our
 * ratchet be checked against libsignal's published known answers; its wire format is still ours.
 */
export const SIGNAL_PROFILE: Profile = Object.freeze({
  id: 'signal-test',
  handshakeInfo: 'WhisperText',
  rootInfo: 'WhisperRatchet',
  messageKeyInfo: 'WhisperMessageKeys',
  cipher: 'aes256cbc-hmacsha256',
});

const PROFILES: Record<string, Profile> = {
  [OMECHAT_PROFILE.id]: OMECHAT_PROFILE,
  [SIGNAL_PROFILE.id]: SIGNAL_PROFILE,
};

/** Looks a profile up by id (as stored in session state). */
export function profileById(id: string): Profile {
  const p = PROFILES[id];
  if (!p) throw new CryptoError('unknown_profile', `unknown profile ${id}`);
  return p;
}
