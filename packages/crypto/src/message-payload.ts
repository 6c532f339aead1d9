import { utf8ToBytes } from '@noble/hashes/utils.js';
import { toBase64, fromBase64 } from './base64.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { CryptoError } from './crypto-error.js';

const PAYLOAD_VERSION = 1;
// Fatal: invalid UTF-8 is an error, never silently replaced characters.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The plaintext of one message, as the recipient sees it after decryption. */
export interface MessagePayload {
  /** The message body (UTF-8 text; structured content is the sdk's JSON). */
  body: string;
  /** Franking key, base64 (32 bytes). Needed to report the message. */
  kf: string;
  /** The user hash the sender claims to be; checked against the server's authenticated sender. */
  sender: string;
}

/** u8 version | 32 kf | u16 sender length | sender UTF-8 | body UTF-8 (rest). */
export function encodePayload(p: MessagePayload): Uint8Array {
  const sender = utf8ToBytes(p.sender);
  return new ByteWriter()
    .u8(PAYLOAD_VERSION)
    .bytes(fromBase64(p.kf, 32))
    .u16(sender.length)
    .bytes(sender)
    .bytes(utf8ToBytes(p.body))
    .finish();
}

export function decodePayload(data: Uint8Array): MessagePayload {
  const r = new ByteReader(data);
  if (r.u8() !== PAYLOAD_VERSION) throw new CryptoError('unsupported_version', 'payload version');
  const kf = toBase64(r.bytes(32));
  const sender = r.bytes(r.u16());
  try {
    return { kf, sender: UTF8.decode(sender), body: UTF8.decode(r.rest()) };
  } catch {
    throw new CryptoError('invalid_encoding', 'payload is not UTF-8');
  }
}
