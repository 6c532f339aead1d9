import { fromBase64, toBase64 } from './base64.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { CryptoError } from './crypto-error.js';
import type { DevicePublic } from './device.js';

/**
 * Version byte of the binary message encoding. 2: the XChaCha20-Poly1305 body carries a random
 * 24-byte nonce and the associated data binds the envelope's chat id and msg id (version 1 derived
 * the nonce from the message key and bound neither; it is refused).
 */
export const WIRE_VERSION = 2;
const TYPE_MESSAGE = 1;
const TYPE_INITIAL = 2;
const KEM_CIPHERTEXT_LENGTH = 1088;
const NO_ONE_TIME_PREKEY = 0;

/** What the responder needs to complete the handshake; sent with every message until a reply. */
export interface InitHeader {
  /** The initiator's certified device (the responder verifies the certificate). */
  device: DevicePublic;
  ephemeralKey: string;
  signedPrekeyId: number;
  kemPrekeyId: number;
  oneTimePrekeyId: number | null;
  kemCiphertext: string;
}

/** Double Ratchet header: sender's ratchet key, previous chain length, message number. */
export interface RatchetHeader {
  ratchetKey: string;
  pn: number;
  n: number;
}

/** A parsed wire message. `headerBytes` is authenticated as associated data. */
export interface WireMessage {
  init: InitHeader | null;
  header: RatchetHeader;
  headerBytes: Uint8Array;
  ciphertext: Uint8Array;
}

/**
 * Header layout: u8 version | u8 type (1 message, 2 initial) | [initial: 32 user key | 32 device
 * X25519 | 32 device Ed25519 | 64 cert | 32 ephemeral | u32 signed prekey id | u32 KEM prekey id |
 * u32 one-time prekey id (0 = none) | 1088 KEM ciphertext] | 32 ratchet key | u32 pn | u32 n.
 * The ciphertext follows the header.
 */
export function encodeHeader(init: InitHeader | null, header: RatchetHeader): Uint8Array {
  const w = new ByteWriter().u8(WIRE_VERSION).u8(init ? TYPE_INITIAL : TYPE_MESSAGE);
  if (init) {
    if (init.oneTimePrekeyId === NO_ONE_TIME_PREKEY)
      throw new CryptoError('bad_argument', 'prekey id 0 is reserved');
    w.bytes(fromBase64(init.device.userKey, 32))
      .bytes(fromBase64(init.device.dhKey, 32))
      .bytes(fromBase64(init.device.signKey, 32))
      .bytes(fromBase64(init.device.cert, 64))
      .bytes(fromBase64(init.ephemeralKey, 32))
      .u32(init.signedPrekeyId)
      .u32(init.kemPrekeyId)
      .u32(init.oneTimePrekeyId ?? NO_ONE_TIME_PREKEY)
      .bytes(fromBase64(init.kemCiphertext, KEM_CIPHERTEXT_LENGTH));
  }
  return w.bytes(fromBase64(header.ratchetKey, 32)).u32(header.pn).u32(header.n).finish();
}

/** Parses a wire message (base64 or bytes); malformed input is `CryptoError('invalid_encoding')`. */
export function decodeWireMessage(input: string | Uint8Array): WireMessage {
  const data = typeof input === 'string' ? fromBase64(input) : input;
  const r = new ByteReader(data);
  const version = r.u8();
  if (version !== WIRE_VERSION) throw new CryptoError('unsupported_version', `message version ${version}`);
  const type = r.u8();
  if (type !== TYPE_MESSAGE && type !== TYPE_INITIAL)
    throw new CryptoError('invalid_encoding', 'unknown message type');
  const b64 = (n: number) => toBase64(r.bytes(n));
  let init: InitHeader | null = null;
  if (type === TYPE_INITIAL) {
    const device = { userKey: b64(32), dhKey: b64(32), signKey: b64(32), cert: b64(64) };
    const ephemeralKey = b64(32);
    const signedPrekeyId = r.u32();
    const kemPrekeyId = r.u32();
    const otpk = r.u32();
    const kemCiphertext = b64(KEM_CIPHERTEXT_LENGTH);
    init = {
      device,
      ephemeralKey,
      signedPrekeyId,
      kemPrekeyId,
      oneTimePrekeyId: otpk === NO_ONE_TIME_PREKEY ? null : otpk,
      kemCiphertext,
    };
  }
  const header = { ratchetKey: b64(32), pn: r.u32(), n: r.u32() };
  const headerLength = data.length - r.remaining;
  const ciphertext = r.rest();
  if (ciphertext.length < 16) throw new CryptoError('invalid_encoding', 'ciphertext too short');
  return { init, header, headerBytes: data.subarray(0, headerLength), ciphertext };
}
