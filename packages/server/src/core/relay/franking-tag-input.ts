import { CryptoError } from '@omechat/crypto';

const LABEL = Buffer.from('OmeChat v1 franking tag', 'utf8');
const CF_BYTES = 32;

/**
 * The bytes of `@omechat/crypto`'s `frankingTagInput` (u32-length-prefixed label, kid, cf, sender,
 * recipient, msg_id, 8-byte ts), written into one Buffer: the relay computes one per envelope, and
 * the generic version (a TextEncoder call and small arrays per field, a pure-JS base64 decode, a
 * BigInt) cost several µs. The same refusals: ts a safe integer >= 0, cf the canonical base64 of
 * 32 bytes. `franking-tag-input.test.ts` holds the two equal.
 */
export function frankingTagInputBuffer(
  kid: string,
  cf: string,
  sender: string,
  recipient: string,
  msgId: string,
  ts: number,
): Buffer {
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new CryptoError('bad_argument', 'ts must be a safe integer >= 0');
  const kidLen = Buffer.byteLength(kid, 'utf8');
  const senderLen = Buffer.byteLength(sender, 'utf8');
  const recipientLen = Buffer.byteLength(recipient, 'utf8');
  const msgIdLen = Buffer.byteLength(msgId, 'utf8');
  const b = Buffer.allocUnsafe(
    7 * 4 + LABEL.length + kidLen + CF_BYTES + senderLen + recipientLen + msgIdLen + 8,
  );
  let o = b.writeUInt32BE(LABEL.length, 0);
  o += LABEL.copy(b, o);
  o = b.writeUInt32BE(kidLen, o);
  o += b.write(kid, o, 'utf8');
  o = b.writeUInt32BE(CF_BYTES, o);
  // Node's decoder is lenient (other alphabets, skipped chars): canonical means it encodes back the same.
  if (
    cf.length !== 44 ||
    b.write(cf, o, 'base64') !== CF_BYTES ||
    b.toString('base64', o, o + CF_BYTES) !== cf
  )
    throw new CryptoError('invalid_encoding', 'bad base64');
  o += CF_BYTES;
  o = b.writeUInt32BE(senderLen, o);
  o += b.write(sender, o, 'utf8');
  o = b.writeUInt32BE(recipientLen, o);
  o += b.write(recipient, o, 'utf8');
  o = b.writeUInt32BE(msgIdLen, o);
  o += b.write(msgId, o, 'utf8');
  o = b.writeUInt32BE(8, o);
  o = b.writeUInt32BE(Math.floor(ts / 0x1_0000_0000), o);
  b.writeUInt32BE(ts >>> 0, o);
  return b;
}
