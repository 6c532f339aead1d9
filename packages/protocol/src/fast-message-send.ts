import { MAX_CIPHERTEXT_B64, MAX_ENVELOPES_PER_MESSAGE, type ClientFrameOf } from './ws-frames.js';

type MessageSendFrame = ClientFrameOf<'message.send'>;

/**
 * A hand-checked fast path for the hottest frame, `message.send`. `MessageSendFrameSchema` stays the
 * one definition: this function only ever says "yes, and here is exactly what the schema would
 * return" or "ask the schema" (`undefined`); a frame it does not take goes through zod, which gives
 * the error. A property test (fast-message-send.test.ts) holds the two equal on JSON inputs,
 * including near-misses. No regex runs over the ciphertext: a char-code loop checks it.
 */
export function fastMessageSend(data: object): MessageSendFrame | undefined {
  // Only plain objects (JSON.parse makes nothing else): anything else is left to zod.
  if (!isPlain(data)) return undefined;
  const d = data as Record<string, unknown>;
  let known = 5;
  if ('ref' in d) {
    const ref = d.ref;
    if (ref !== undefined && (typeof ref !== 'string' || ref.length > 64)) return undefined;
    known = 6;
  }
  if (Object.keys(d).length !== known) return undefined;
  if (d.type !== 'message.send') return undefined;
  const { chat_id, msg_id, cf, envelopes } = d;
  if (!isLowerHex(chat_id, 32) || !isLowerHex(msg_id, 32) || !isCommitment(cf)) return undefined;
  if (!Array.isArray(envelopes) || envelopes.length < 1 || envelopes.length > MAX_ENVELOPES_PER_MESSAGE)
    return undefined;
  const out: MessageSendFrame['envelopes'] = [];
  for (let i = 0; i < envelopes.length; i++) {
    const e: unknown = envelopes[i];
    if (typeof e !== 'object' || e === null || !isPlain(e)) return undefined;
    const env = e as Record<string, unknown>;
    if (Object.keys(env).length !== 2) return undefined;
    const { to_client, ciphertext } = env;
    if (!isClientHash(to_client) || !isBase64(ciphertext, MAX_CIPHERTEXT_B64)) return undefined;
    out.push({ to_client, ciphertext });
  }
  // The same keys, in the schema's order, as zod's strict object gives.
  return 'ref' in d
    ? { type: 'message.send', ref: d.ref as string | undefined, chat_id, msg_id, cf, envelopes: out }
    : { type: 'message.send', chat_id, msg_id, cf, envelopes: out };
}

function isPlain(o: object): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

/** 0 for the chars of `chars`, 1 for every other ASCII char. */
function notIn(chars: string): Uint8Array {
  const t = new Uint8Array(128).fill(1);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 0;
  return t;
}
const NOT_HEX = notIn('0123456789abcdef');
const NOT_B64 = notIn('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');

/**
 * Whether every char of `v` in [from, to) is one of the table's, without a branch per char: random
 * base64 makes a chain of range tests mispredict on most chars (3 µs for a 420-char ciphertext,
 * slower than the regex); a table lookup OR-ed into one flag is about 6x faster. Chars >= 128 set
 * the flag through `c >> 7`.
 */
function allIn(table: Uint8Array, v: string, from: number, to: number): boolean {
  let bad = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    bad |= table[c & 127]! | (c >> 7);
  }
  return bad === 0;
}

function isLowerHex(v: unknown, len: number): v is string {
  return typeof v === 'string' && v.length === len && allIn(NOT_HEX, v, 0, len);
}

function isClientHash(v: unknown): v is string {
  return typeof v === 'string' && (v.length === 64 || v.length === 128) && isLowerHex(v, v.length);
}

/** `^[A-Za-z0-9+/]*={0,2}$` and at most `max` chars. */
function isBase64(v: unknown, max: number): v is string {
  if (typeof v !== 'string' || v.length > max) return false;
  let end = v.length;
  if (end > 0 && v.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && v.charCodeAt(end - 1) === 61) end--;
  return allIn(NOT_B64, v, 0, end);
}

/** `^[A-Za-z0-9+/]{43}=$`: a 32-byte base64 commitment. */
function isCommitment(v: unknown): v is string {
  return typeof v === 'string' && v.length === 44 && v.charCodeAt(43) === 61 && allIn(NOT_B64, v, 0, 43);
}
