import { CryptoError } from './crypto-error.js';

/** Appends fixed-width big-endian fields; used for every binary encoding so layouts stay unambiguous. */
export class ByteWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }

  u8(n: number): this {
    return this.bytes(Uint8Array.of(n & 255));
  }

  u16(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff)
      throw new CryptoError('bad_argument', 'u16 out of range');
    return this.bytes(Uint8Array.of(n >>> 8, n & 255));
  }

  u32(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new CryptoError('bad_argument', 'u32 out of range');
    return this.bytes(Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255));
  }

  /** A u32 length prefix then the bytes: concatenations of such fields can never collide. */
  lengthPrefixed(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
