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

function isLowerHex(v: unknown, len: number): v is string {
  if (typeof v !== 'string' || v.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isClientHash(v: unknown): v is string {
  return typeof v === 'string' && (v.length === 64 || v.length === 128) && isLowerHex(v, v.length);
}

function isB64Char(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 48 && c <= 57) ||
    c === 43 /* + */ ||
    c === 47 /* / */
  );
}

/** `^[A-Za-z0-9+/]*={0,2}$` and at most `max` chars. */
function isBase64(v: unknown, max: number): v is string {
  if (typeof v !== 'string' || v.length > max) return false;
  let end = v.length;
  if (end > 0 && v.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && v.charCodeAt(end - 1) === 61) end--;
  for (let i = 0; i < end; i++) if (!isB64Char(v.charCodeAt(i))) return false;
  return true;
}

/** `^[A-Za-z0-9+/]{43}=$`: a 32-byte base64 commitment. */
function isCommitment(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 44 || v.charCodeAt(43) !== 61) return false;
  for (let i = 0; i < 43; i++) if (!isB64Char(v.charCodeAt(i))) return false;
  return true;
}
