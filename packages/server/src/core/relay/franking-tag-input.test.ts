import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frankingTagInput } from '@omechat/crypto';
import { frankingTagInputBuffer } from './franking-tag-input.js';

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Canonical commitments, and near misses: a changed char (other alphabets too), lengths, padding. */
const cf = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((u) => Buffer.from(u).toString('base64')),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(43),
        fc.constantFrom(...b64.split(''), '-', '_', '=', ' ', 'é', '\u0000'),
      )
      .map(([u, i, c]) => {
        const s = Buffer.from(u).toString('base64');
        return s.slice(0, i) + c + s.slice(i + 1);
      }),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 31, maxLength: 33 }).map((u) => Buffer.from(u).toString('base64')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 46 }) },
);
const text = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant('\ud800x'),
);
const ts = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.oneof(fc.nat(), fc.constant(1_764_000_000_000), fc.constant(Number.MAX_SAFE_INTEGER)),
  },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, NaN, 2 ** 53, Infinity) },
);

function outcome(f: () => Uint8Array): string {
  try {
    return Buffer.from(f()).toString('hex');
  } catch (e) {
    return `throws ${(e as { code?: string }).code}`;
  }
}

describe('frankingTagInputBuffer', () => {
  it('gives the bytes of @omechat/crypto frankingTagInput, and refuses what it refuses', () => {
    fc.assert(
      fc.property(text, cf, text, text, text, ts, (kid, c, sender, recipient, msgId, t) => {
        const want = outcome(() => frankingTagInput({ kid, cf: c, sender, recipient, msgId, ts: t }));
        const got = outcome(() => frankingTagInputBuffer(kid, c, sender, recipient, msgId, t));
        // Both refuse a bad ts the same way; for a bad cf only the refusal matters.
        expect(got.startsWith('throws') ? 'throws' : got).toBe(want.startsWith('throws') ? 'throws' : want);
      }),
      { numRuns: 3000 },
    );
  });
});
