import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_CHARS = 60;
const CHECK_CHARS = 4;
/** Account secrets are 64 characters of A-Z a-z 0-9: 60 random ones and 4 check characters. */
export const SECRET_LENGTH = RANDOM_CHARS + CHECK_CHARS;
// The largest multiple of 62 that fits a byte: bytes at or above it are dropped (no modulo bias).
const UNBIASED_LIMIT = 62 * 4;

function checkChars(body: string): string {
  // Not key material: a typo check, so the device tells a mistyped secret before any request.
  const digest = sha256(utf8ToBytes(`OmeChat secret check v2\0${body}`));
  let out = '';
  for (let i = 0; i < CHECK_CHARS; i++) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

/**
 * A new account secret, made on the user's device from the CSPRNG (about 357 random bits): 60
 * uniformly random characters plus 4 check characters. It never leaves the device: the server gets
 * only `authenticatorFromSecret(secret)`, and the identity key comes from `identityFromSecretV2`.
 */
export function generateSecret(): string {
  let body = '';
  while (body.length < RANDOM_CHARS) {
    for (const b of randomBytes(RANDOM_CHARS)) {
      if (b >= UNBIASED_LIMIT || body.length >= RANDOM_CHARS) continue;
      body += ALPHABET[b % ALPHABET.length];
    }
  }
  return body + checkChars(body);
}

/**
 * True for a device-made (v2) secret with a valid checksum; false for a legacy, server-made secret
 * (or a mistyped one). Whitespace is not stripped: callers normalise input first.
 */
export function isV2Secret(secret: string): boolean {
  if (!/^[A-Za-z0-9]{64}$/.test(secret)) return false;
  return checkChars(secret.slice(0, RANDOM_CHARS)) === secret.slice(RANDOM_CHARS);
}
