import { CryptoError } from './crypto-error.js';
import { decodePayload, encodePayload } from './message-payload.js';
import type { MessagePayload } from './message-payload.js';
import { pad, unpad } from './padding.js';
import { ratchetDecrypt, ratchetEncrypt } from './ratchet.js';
import type { SessionState } from './session-state.js';
import { toBase64 } from './base64.js';
import { decodeWireMessage } from './wire-message.js';
import type { DevicePublic } from './device.js';
import { NO_CONTEXT } from './message-context.js';
import type { MessageContext } from './message-context.js';

/**
 * Encrypts one payload on one session, bound to the envelope's `ctx` (chat id, msg id). Returns the
 * new state and the wire message (base64).
 */
export function encrypt(
  session: SessionState,
  payload: MessagePayload,
  ctx: MessageContext = NO_CONTEXT,
): { session: SessionState; ciphertext: string } {
  const { state, wire } = ratchetEncrypt(session, pad(encodePayload(payload)), ctx);
  return { session: state, ciphertext: toBase64(wire) };
}

/**
 * Decrypts a wire message on an existing session. Pure: on failure it throws `CryptoError` and the
 * input state stays valid; persist the returned state only. Then call `checkFranking`. A `ctx`
 * other than the sender's (a relabelled envelope) is `decrypt_failed`.
 */
export function decrypt(
  session: SessionState,
  ciphertext: string | Uint8Array,
  ctx: MessageContext = NO_CONTEXT,
): { session: SessionState; message: MessagePayload } {
  const { state, plaintext } = ratchetDecrypt(session, decodeWireMessage(ciphertext), ctx);
  return { session: state, message: decodePayload(unpad(plaintext)) };
}

/** What can be read from a wire message before decrypting it, for routing. */
export interface MessageInfo {
  /** True if it carries a handshake header: open with `acceptSession` unless a session from it exists. */
  initial: boolean;
  /** The initiator's certified device (initial messages only; not yet verified). */
  initiator: DevicePublic | null;
  /** The handshake's ephemeral key (initial messages only): same value = same session. */
  ephemeralKey: string | null;
}

/** Parses a message's header without decrypting (throws `CryptoError` on malformed input). */
export function inspectMessage(ciphertext: string | Uint8Array): MessageInfo {
  const m = decodeWireMessage(ciphertext);
  return {
    initial: m.init !== null,
    initiator: m.init?.device ?? null,
    ephemeralKey: m.init?.ephemeralKey ?? null,
  };
}

/** True if a message with this info should be decrypted on `session` rather than accepted anew. */
export function belongsToSession(session: SessionState, info: MessageInfo): boolean {
  if (!info.initial) return true;
  if (info.ephemeralKey === null)
    throw new CryptoError('invalid_encoding', 'initial message without ephemeral key');
  return session.role === 'responder' && session.initEphemeral === info.ephemeralKey;
}
