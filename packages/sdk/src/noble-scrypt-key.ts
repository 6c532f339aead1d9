import { scrypt } from '@noble/hashes/scrypt.js';
import type { PowDeriveKey } from './pow-search.js';

/** scrypt from @noble/hashes, for solving where node:crypto is not available (browsers, workers). */
export const nobleScryptKey: PowDeriveKey = (challenge, salt, password) => {
  const p = challenge.parameters;
  return scrypt(password, salt, { N: p.cost, r: p.memoryCost, p: p.parallelism ?? 1, dkLen: p.keyLength });
};
