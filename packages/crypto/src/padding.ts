import { CryptoError } from './crypto-error.js';

/** Padded sizes: a body's length only leaks which bucket it falls in. */
export const PADDING_BUCKETS: readonly number[] = [64, 256, 1024, 4096, 16384, 65536];
const LARGE_STEP = 65536;
/** Largest plaintext (payload before padding) a message may carry. */
export const MAX_PLAINTEXT = 1 << 20;

function paddedLength(n: number): number {
  for (const b of PADDING_BUCKETS) if (n < b) return b;
  return (Math.floor(n / LARGE_STEP) + 1) * LARGE_STEP;
}

/** ISO/IEC 7816-4 padding (0x80 then zeros) up to the next bucket; always adds at least one byte. */
export function pad(data: Uint8Array): Uint8Array {
  if (data.length > MAX_PLAINTEXT) throw new CryptoError('too_large', `message over ${MAX_PLAINTEXT} bytes`);
  const out = new Uint8Array(paddedLength(data.length));
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Removes `pad` padding; anything else is `CryptoError('invalid_encoding')`. */
export function unpad(data: Uint8Array): Uint8Array {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) throw new CryptoError('invalid_encoding', 'bad padding');
  return data.subarray(0, i);
}
