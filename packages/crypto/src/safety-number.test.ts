import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { generateIdentity } from './identity.js';
import { displayableFingerprint, formatSafetyNumber, safetyNumber } from './safety-number.js';

describe('safety numbers', () => {
  // Source: signalapp/libsignal rust/protocol/src/fingerprint.rs, fingerprint_test_v1/_v2
  // (DISPLAYABLE_FINGERPRINT_V1; keys keep libsignal's 0x05 type byte as the fingerprint input).
  test('reproduces libsignal displayable fingerprint vector', () => {
    const alice = hexToBytes('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868');
    const bob = hexToBytes('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b');
    const aliceId = utf8ToBytes('+14152222222');
    const bobId = utf8ToBytes('+14153333333');
    const expected = '300354477692869396892869876765458257569162576843440918079131';
    expect(displayableFingerprint(alice, aliceId, bob, bobId)).toBe(expected);
    expect(displayableFingerprint(bob, bobId, alice, aliceId)).toBe(expected);
  });

  test('both sides see the same 60 digits; a different key changes them', () => {
    const a = generateIdentity();
    const b = generateIdentity();
    const m = generateIdentity();
    const ab = safetyNumber(a.publicKey, 'a'.repeat(64), b.publicKey, 'b'.repeat(64));
    expect(ab).toMatch(/^\d{60}$/);
    expect(safetyNumber(b.publicKey, 'b'.repeat(64), a.publicKey, 'a'.repeat(64))).toBe(ab);
    expect(safetyNumber(a.publicKey, 'a'.repeat(64), m.publicKey, 'b'.repeat(64))).not.toBe(ab);
  });

  test('formats as 12 groups of 5', () => {
    const s = '300354477692869396892869876765458257569162576843440918079131';
    expect(formatSafetyNumber(s)).toBe(
      '30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131',
    );
    expect(() => formatSafetyNumber('123')).toThrow(expect.objectContaining({ code: 'bad_argument' }));
  });
});
