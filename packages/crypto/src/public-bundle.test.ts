import { describe, expect, test } from 'vitest';
import { fromBase64, toBase64 } from './base64.js';
import { generateDevice } from './device.js';
import { generateIdentity } from './identity.js';
import { addOneTimePrekeys, generatePrekeys, rotateSignedPrekeys } from './prekeys.js';
import {
  bundleWithOneTimePrekey,
  decodeBundle,
  encodeBundle,
  publicBundle,
  verifyBundle,
} from './public-bundle.js';
import type { PublicBundle } from './public-bundle.js';

const identity = generateIdentity();
const device = generateDevice(identity);
const prekeys = generatePrekeys(device, 3);
const bundle = publicBundle(device, prekeys);

function flip(b64: string, i = 0): string {
  const b = fromBase64(b64);
  b[i]! ^= 1;
  return toBase64(b);
}

describe('public bundles', () => {
  test('round-trip through base64 with a version byte, and verify', () => {
    const encoded = encodeBundle(bundle);
    expect(fromBase64(encoded)[0]).toBe(1);
    expect(decodeBundle(encoded)).toEqual(bundle);
    expect(verifyBundle(encoded)).toEqual(bundle);
    expect(verifyBundle(bundle, { expectedUserKey: identity.publicKey })).toEqual(bundle);
    expect(JSON.parse(JSON.stringify(prekeys))).toEqual(prekeys);
  });

  test('publishes no secret key material', () => {
    const text = JSON.stringify(bundle);
    for (const s of [device.dhSecretKey, device.signSecretKey, prekeys.signedPrekey.secretKey]) {
      expect(text).not.toContain(s);
    }
  });

  const tampered: [string, (b: PublicBundle) => PublicBundle][] = [
    ['device certificate', (b) => ({ ...b, device: { ...b.device, cert: flip(b.device.cert) } })],
    ['device key', (b) => ({ ...b, device: { ...b.device, dhKey: flip(b.device.dhKey) } })],
    ['user key', (b) => ({ ...b, device: { ...b.device, userKey: generateIdentity().publicKey } })],
    [
      'signed prekey',
      (b) => ({ ...b, signedPrekey: { ...b.signedPrekey, publicKey: flip(b.signedPrekey.publicKey) } }),
    ],
    ['signed prekey id', (b) => ({ ...b, signedPrekey: { ...b.signedPrekey, id: b.signedPrekey.id + 7 } })],
    [
      'signed prekey signature',
      (b) => ({ ...b, signedPrekey: { ...b.signedPrekey, signature: flip(b.signedPrekey.signature, 5) } }),
    ],
    [
      'KEM prekey',
      (b) => ({ ...b, kemPrekey: { ...b.kemPrekey, publicKey: flip(b.kemPrekey.publicKey, 100) } }),
    ],
    [
      'KEM prekey signature',
      (b) => ({ ...b, kemPrekey: { ...b.kemPrekey, signature: flip(b.kemPrekey.signature, 9) } }),
    ],
  ];
  test.each(tampered)('a changed %s is rejected with bad_signature', (_name, change) => {
    expect(() => verifyBundle(change(bundle))).toThrow(expect.objectContaining({ code: 'bad_signature' }));
    expect(() => verifyBundle(encodeBundle(change(bundle)))).toThrow(
      expect.objectContaining({ code: 'bad_signature' }),
    );
  });

  test('a prekey signed by another device is rejected', () => {
    const foreign = publicBundle(device, generatePrekeys(generateDevice(identity), 0));
    expect(() => verifyBundle(foreign)).toThrow(expect.objectContaining({ code: 'bad_signature' }));
  });

  test('malformed input and unknown versions are typed errors', () => {
    const raw = fromBase64(encodeBundle(bundle));
    expect(() => verifyBundle(raw.subarray(0, 100))).toThrow(
      expect.objectContaining({ code: 'invalid_encoding' }),
    );
    const v2 = raw.slice();
    v2[0] = 2;
    expect(() => verifyBundle(v2)).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
    expect(() => verifyBundle('not base64!')).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
    expect(() => verifyBundle(bundle, { expectedUserKey: generateIdentity().publicKey })).toThrow(
      expect.objectContaining({ code: 'identity_mismatch' }),
    );
  });

  test('a server serves one one-time prekey at a time', () => {
    const id = bundle.oneTimePrekeys[1]!.id;
    const served = bundleWithOneTimePrekey(bundle, id);
    expect(served.oneTimePrekeys).toEqual([bundle.oneTimePrekeys[1]]);
    expect(bundleWithOneTimePrekey(bundle, null).oneTimePrekeys).toEqual([]);
    expect(() => bundleWithOneTimePrekey(bundle, 1)).toThrow(
      expect.objectContaining({ code: 'unknown_prekey' }),
    );
  });

  test('top-up and rotation keep ids unique and signatures valid', () => {
    const more = addOneTimePrekeys(prekeys, 5);
    const ids = more.oneTimePrekeys.map((k) => k.id);
    expect(new Set(ids).size).toBe(8);
    const rotated = rotateSignedPrekeys(device, more);
    expect(rotated.previous?.signedPrekey).toEqual(prekeys.signedPrekey);
    expect(ids).not.toContain(rotated.signedPrekey.id);
    expect(() => verifyBundle(publicBundle(device, rotated))).not.toThrow();
  });
});

test('a bundle object with missing fields is invalid_encoding, not a crash', () => {
  const broken = { ...bundle, oneTimePrekeys: undefined } as unknown as PublicBundle;
  expect(() => verifyBundle(broken)).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
});
