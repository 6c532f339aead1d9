import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fromBase64, toBase64 } from './base64.js';
import { MAX_PLAINTEXT, pad, PADDING_BUCKETS, unpad } from './padding.js';

describe('base64', () => {
  test('matches the platform codec and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = toBase64(b);
        expect(s).toBe(btoa(String.fromCharCode(...b)));
        expect(fromBase64(s)).toEqual(b);
      }),
    );
  });

  test('rejects malformed and non-canonical text', () => {
    for (const s of ['abc', 'ab=c', 'a===', '@@@@', 'QQ==QQ==', 'QR==']) {
      expect(() => fromBase64(s)).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
    }
    expect(() => fromBase64('QQ==', 2)).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
  });
});

describe('padding', () => {
  test('pads to fixed buckets and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (b) => {
        const p = pad(b);
        expect(PADDING_BUCKETS).toContain(p.length);
        expect(unpad(p)).toEqual(b);
      }),
    );
    expect(pad(new Uint8Array(63)).length).toBe(64);
    expect(pad(new Uint8Array(64)).length).toBe(256);
    expect(pad(new Uint8Array(70000)).length).toBe(131072);
  });

  test('rejects oversize input and bad padding', () => {
    expect(() => pad(new Uint8Array(MAX_PLAINTEXT + 1))).toThrow(
      expect.objectContaining({ code: 'too_large' }),
    );
    expect(() => unpad(new Uint8Array(64))).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
  });
});
