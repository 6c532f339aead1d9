import { CryptoError } from './crypto-error.js';

/** Reads fields written by `ByteWriter`; every overrun is a typed `invalid_encoding` error. */
export class ByteReader {
  private offset = 0;
  constructor(private readonly data: Uint8Array) {}

  bytes(n: number): Uint8Array {
    if (this.offset + n > this.data.length) throw new CryptoError('invalid_encoding', 'truncated input');
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(): number {
    return this.bytes(1)[0]!;
  }

  u16(): number {
    const b = this.bytes(2);
    return (b[0]! << 8) | b[1]!;
  }

  u32(): number {
    const b = this.bytes(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  rest(): Uint8Array {
    return this.bytes(this.data.length - this.offset);
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }

  /** Rejects trailing garbage so one message has exactly one encoding. */
  end(): void {
    if (this.offset !== this.data.length) throw new CryptoError('invalid_encoding', 'trailing bytes');
  }
}
