import type { PowChallenge, PowSolution } from '@omechat/protocol';

/** Derives the key of one try (scrypt with the challenge's parameters). */
export type PowDeriveKey = (
  challenge: PowChallenge,
  salt: Uint8Array,
  password: Uint8Array,
) => Uint8Array | Promise<Uint8Array>;

export interface PowProgress {
  /** Counters tried so far. */
  tried: number;
  /** The most counters that may be needed (the server's bound); on average half are. */
  max: number;
}

const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const bytesToHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * The solver's search for an altcha v2 challenge in deterministic mode: try counters 0, 1, 2, …
 * (the password is the nonce followed by the counter as a big-endian uint32, altcha's `uint32`
 * mode) until the derived key starts with `keyPrefix`. The server hid the counter below
 * `maxCounter`, which is what makes a progress fraction possible. Progress is reported at most
 * every `progressMs`; `aborted()` stops the search (it then throws).
 */
export async function searchPowCounter(
  challenge: PowChallenge,
  maxCounter: number,
  deriveKey: PowDeriveKey,
  opts: { onProgress?: (p: PowProgress) => void; aborted?: () => boolean; progressMs?: number } = {},
): Promise<PowSolution> {
  const p = challenge.parameters;
  const nonce = hexToBytes(p.nonce);
  const salt = hexToBytes(p.salt);
  const prefix = hexToBytes(p.keyPrefix);
  const password = new Uint8Array(nonce.length + 4);
  password.set(nonce);
  const view = new DataView(password.buffer);
  const started = Date.now();
  let reported = started;
  for (let counter = 0; counter <= maxCounter; counter++) {
    if (opts.aborted?.()) throw new Error('aborted');
    view.setUint32(nonce.length, counter, false);
    const key = await deriveKey(challenge, salt, password);
    if (prefix.every((b, i) => key[i] === b)) {
      opts.onProgress?.({ tried: counter + 1, max: maxCounter });
      return { counter, derivedKey: bytesToHex(key), time: Date.now() - started };
    }
    const now = Date.now();
    if (now - reported >= (opts.progressMs ?? 100)) {
      reported = now;
      opts.onProgress?.({ tried: counter + 1, max: maxCounter });
    }
  }
  throw new Error('no counter below the bound solves this challenge');
}
