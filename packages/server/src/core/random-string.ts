import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform random string over A-Z a-z 0-9 from the CSPRNG (randomInt avoids modulo bias). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** 32 random bytes as lowercase hex: user_hash, client_hash. */
export function randomHash(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}
