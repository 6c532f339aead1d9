import { createHash, timingSafeEqual } from 'node:crypto';

/** Access tokens have 64 random chars (~381 bits): a fast SHA-256 is enough, no salt needed. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two equal-length hex digests in constant time. */
export function digestsEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
