import { fromBase64, toBase64 } from './base64.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { CryptoError } from './crypto-error.js';
import type { DeviceKeys, DevicePublic } from './device.js';
import { devicePublic, verifyDevice } from './device.js';
import { verify } from './keys.js';
import type { PrekeySet } from './prekeys.js';
import { kemPrekeyMessage, MAX_ONE_TIME_PREKEYS, signedPrekeyMessage } from './prekeys.js';

/** Version byte of the binary bundle encoding. */
export const BUNDLE_VERSION = 1;
const KEM_PUBLIC_KEY_LENGTH = 1184;

/** The public half of a device's keys, as uploaded to and served by the server. */
export interface PublicBundle {
  v: 1;
  device: DevicePublic;
  signedPrekey: { id: number; publicKey: string; signature: string };
  kemPrekey: { id: number; publicKey: string; signature: string };
  /** All unused one-time prekeys on upload; at most one when served to a partner. */
  oneTimePrekeys: { id: number; publicKey: string }[];
  /**
   * A one-time ML-KEM prekey served beside the bundle (signed like `kemPrekey`); not part of the
   * binary encoding: the server stores and serves these separately.
   */
  oneTimeKemPrekey?: { id: number; publicKey: string; signature: string } | null;
}

declare const verifiedBrand: unique symbol;
/** A bundle whose device certificate and prekey signatures have all been checked. */
export type VerifiedBundle = PublicBundle & { readonly [verifiedBrand]: true };

/** The public bundle of a device, ready for `encodeBundle`. */
export function publicBundle(device: DeviceKeys, prekeys: PrekeySet): PublicBundle {
  return {
    v: 1,
    device: devicePublic(device),
    signedPrekey: {
      id: prekeys.signedPrekey.id,
      publicKey: prekeys.signedPrekey.publicKey,
      signature: prekeys.signedPrekey.signature,
    },
    kemPrekey: {
      id: prekeys.kemPrekey.id,
      publicKey: prekeys.kemPrekey.publicKey,
      signature: prekeys.kemPrekey.signature,
    },
    oneTimePrekeys: prekeys.oneTimePrekeys.map((k) => ({ id: k.id, publicKey: k.publicKey })),
  };
}

/** A copy of `bundle` offering only the one-time prekey `id` (or none): what a server serves. */
export function bundleWithOneTimePrekey(bundle: PublicBundle, id: number | null): PublicBundle {
  const keep = id === null ? [] : bundle.oneTimePrekeys.filter((k) => k.id === id);
  if (id !== null && keep.length === 0) throw new CryptoError('unknown_prekey', `no one-time prekey ${id}`);
  return { ...bundle, oneTimePrekeys: keep };
}

/**
 * Binary layout, base64 for JSON transport: u8 version | 32 user key | 32 device X25519 | 32 device
 * Ed25519 | 64 cert | u32 id, 32 key, 64 sig (X25519 prekey) | u32 id, 1184 key, 64 sig (ML-KEM) |
 * u16 n | n * (u32 id, 32 key).
 */
export function encodeBundle(bundle: PublicBundle): string {
  const w = new ByteWriter()
    .u8(BUNDLE_VERSION)
    .bytes(fromBase64(bundle.device.userKey, 32))
    .bytes(fromBase64(bundle.device.dhKey, 32))
    .bytes(fromBase64(bundle.device.signKey, 32))
    .bytes(fromBase64(bundle.device.cert, 64))
    .u32(bundle.signedPrekey.id)
    .bytes(fromBase64(bundle.signedPrekey.publicKey, 32))
    .bytes(fromBase64(bundle.signedPrekey.signature, 64))
    .u32(bundle.kemPrekey.id)
    .bytes(fromBase64(bundle.kemPrekey.publicKey, KEM_PUBLIC_KEY_LENGTH))
    .bytes(fromBase64(bundle.kemPrekey.signature, 64))
    .u16(bundle.oneTimePrekeys.length);
  for (const k of bundle.oneTimePrekeys) w.u32(k.id).bytes(fromBase64(k.publicKey, 32));
  return toBase64(w.finish());
}

/** Parses a bundle's structure (no signature checks: use `verifyBundle` before any use). */
export function decodeBundle(input: string | Uint8Array): PublicBundle {
  const r = new ByteReader(typeof input === 'string' ? fromBase64(input) : input);
  const version = r.u8();
  if (version !== BUNDLE_VERSION) throw new CryptoError('unsupported_version', `bundle version ${version}`);
  const b64 = (n: number) => toBase64(r.bytes(n));
  const device = { userKey: b64(32), dhKey: b64(32), signKey: b64(32), cert: b64(64) };
  const signedPrekey = { id: r.u32(), publicKey: b64(32), signature: b64(64) };
  const kemPrekey = { id: r.u32(), publicKey: b64(KEM_PUBLIC_KEY_LENGTH), signature: b64(64) };
  const n = r.u16();
  if (n > MAX_ONE_TIME_PREKEYS) throw new CryptoError('invalid_encoding', 'too many one-time prekeys');
  const oneTimePrekeys: PublicBundle['oneTimePrekeys'] = [];
  for (let i = 0; i < n; i++) oneTimePrekeys.push({ id: r.u32(), publicKey: b64(32) });
  r.end();
  return { v: 1, device, signedPrekey, kemPrekey, oneTimePrekeys };
}

/**
 * Decodes (if needed) and verifies a bundle: the device certificate under the user key, and both
 * prekey signatures under the certified device key. Throws `CryptoError` ('bad_signature',
 * 'invalid_encoding', 'unsupported_version' or 'identity_mismatch') instead of returning anything
 * unverified. A served `oneTimeKemPrekey` (object input) is verified too and kept. Pass `expectedUserKey` when the partner's identity is already known (pinned).
 */
export function verifyBundle(
  input: string | Uint8Array | PublicBundle,
  opts: { expectedUserKey?: string } = {},
): VerifiedBundle {
  // Round-trip objects through the binary form too, so both inputs get the same length checks.
  let bundle: PublicBundle;
  try {
    bundle = decodeBundle(
      typeof input === 'object' && !(input instanceof Uint8Array) ? encodeBundle(input) : input,
    );
  } catch (e) {
    // Objects straight from JSON may lack fields entirely; that is malformed input, not a crash.
    if (e instanceof CryptoError) throw e;
    throw new CryptoError('invalid_encoding', 'malformed bundle');
  }
  if (opts.expectedUserKey !== undefined && opts.expectedUserKey !== bundle.device.userKey) {
    throw new CryptoError('identity_mismatch', 'bundle belongs to a different user key');
  }
  verifyDevice(bundle.device);
  const signKey = fromBase64(bundle.device.signKey, 32);
  const spk = bundle.signedPrekey;
  if (!verify(signKey, signedPrekeyMessage(spk.id, fromBase64(spk.publicKey)), fromBase64(spk.signature))) {
    throw new CryptoError('bad_signature', 'signed prekey signature does not verify');
  }
  const kem = bundle.kemPrekey;
  if (!verify(signKey, kemPrekeyMessage(kem.id, fromBase64(kem.publicKey)), fromBase64(kem.signature))) {
    throw new CryptoError('bad_signature', 'ML-KEM prekey signature does not verify');
  }
  const served = typeof input === 'object' && !(input instanceof Uint8Array) ? input.oneTimeKemPrekey : null;
  if (served) {
    let ok = false;
    try {
      const key = fromBase64(served.publicKey, KEM_PUBLIC_KEY_LENGTH);
      ok = verify(signKey, kemPrekeyMessage(served.id, key), fromBase64(served.signature, 64));
    } catch {
      throw new CryptoError('invalid_encoding', 'malformed one-time ML-KEM prekey');
    }
    if (!ok) throw new CryptoError('bad_signature', 'one-time ML-KEM prekey signature does not verify');
    return { ...bundle, oneTimeKemPrekey: { ...served } } as VerifiedBundle;
  }
  return bundle as VerifiedBundle;
}
