import { equalBytes } from '@noble/ciphers/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.js';
import { ByteWriter } from './byte-writer.js';
import { CryptoError } from './crypto-error.js';
import type { MessagePayload } from './message-payload.js';

// Everything here is pure and free of Node built-ins, so the server imports it from `@omechat/crypto`.

/** A fresh 32-byte franking key, base64. One per message, shared by all its device copies. */
export function newFrankingKey(): string {
  return toBase64(randomBytes(32));
}

/** The franking commitment `cf = HMAC-SHA256(kf, body)`, base64. Travels in clear beside the ciphertext. */
export function frankingCommitment(kf: string, body: string): string {
  return toBase64(hmac(sha256, fromBase64(kf, 32), utf8ToBytes(body)));
}

/** What the server binds into a franking tag. `ts` is milliseconds since the epoch. */
export interface FrankingContext {
  /** Id of the server franking key (so keys can rotate). */
  kid: string;
  /** The commitment, base64. */
  cf: string;
  /** Authenticated sender's user hash. */
  sender: string;
  /** Recipient user hash (or client hash, consistently). */
  recipient: string;
  msgId: string;
  ts: number;
}

/**
 * The exact bytes `computeFrankingTag` authenticates. Exported so a server can run the HMAC with a
 * native implementation (node:crypto) over the very same encoding.
 */
export function frankingTagInput(c: FrankingContext): Uint8Array {
  if (!Number.isSafeInteger(c.ts) || c.ts < 0)
    throw new CryptoError('bad_argument', 'ts must be a safe integer >= 0');
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, BigInt(c.ts));
  // Length-prefixed fields: no two different contexts can encode to the same bytes.
  return new ByteWriter()
    .lengthPrefixed(utf8ToBytes('OmeChat v1 franking tag'))
    .lengthPrefixed(utf8ToBytes(c.kid))
    .lengthPrefixed(fromBase64(c.cf, 32))
    .lengthPrefixed(utf8ToBytes(c.sender))
    .lengthPrefixed(utf8ToBytes(c.recipient))
    .lengthPrefixed(utf8ToBytes(c.msgId))
    .lengthPrefixed(ts)
    .finish();
}

/**
 * Server side: `rf = HMAC-SHA256(K_server[kid], kid | cf | sender | recipient | msg_id | ts)`, base64.
 * The server attaches `rf` to the envelope and does not store it.
 */
export function computeFrankingTag(serverKey: Uint8Array, c: FrankingContext): string {
  if (serverKey.length < 32) throw new CryptoError('bad_argument', 'server franking key must be >= 32 bytes');
  return toBase64(hmac(sha256, serverKey, frankingTagInput(c)));
}

/** What a recipient reveals to report a message; the server verifies it with `verifyFrankingReport`. */
export interface FrankingReport {
  v: 1;
  body: string;
  kf: string;
  cf: string;
  rf: string;
  sender: string;
  recipient: string;
  msg_id: string;
  ts: number;
  kid: string;
}

/** Envelope fields the recipient got from the server beside the ciphertext. */
export interface FrankingEnvelope {
  cf: string;
  /** The server-authenticated sender user hash. */
  sender: string;
}

/**
 * Recipient side, after decrypting: throws `CryptoError('franking_mismatch')` if the body does not
 * match the commitment, or `('sender_mismatch')` if the claimed sender is not the authenticated one.
 * Drop such a message (but keep the new session state: the ratchet has moved past it).
 */
export function checkFranking(message: MessagePayload, envelope: FrankingEnvelope): void {
  let ok = false;
  try {
    ok = equalBytes(fromBase64(frankingCommitment(message.kf, message.body)), fromBase64(envelope.cf, 32));
  } catch {
    ok = false;
  }
  if (!ok) throw new CryptoError('franking_mismatch', 'franking commitment does not match the body');
  if (message.sender !== envelope.sender)
    throw new CryptoError('sender_mismatch', 'claimed sender is not the sender');
}

/** Builds a report from a decrypted message and the envelope's franking fields. */
export function frankingReport(
  message: MessagePayload,
  envelope: {
    cf: string;
    rf: string;
    sender: string;
    recipient: string;
    msgId: string;
    ts: number;
    kid: string;
  },
): FrankingReport {
  return {
    v: 1,
    body: message.body,
    kf: message.kf,
    cf: envelope.cf,
    rf: envelope.rf,
    sender: envelope.sender,
    recipient: envelope.recipient,
    msg_id: envelope.msgId,
    ts: envelope.ts,
    kid: envelope.kid,
  };
}

/**
 * Server side: true iff `report.sender` really sent exactly `report.body` to `report.recipient`
 * as message `msg_id` at `ts` (commitment opens and the server's tag matches). Never throws on
 * malformed reports; returns false.
 */
export function verifyFrankingReport(
  report: FrankingReport,
  serverKeyFor: (kid: string) => Uint8Array | undefined,
): boolean {
  try {
    const key = serverKeyFor(report.kid);
    if (!key) return false;
    const cfOk = equalBytes(
      fromBase64(frankingCommitment(report.kf, report.body)),
      fromBase64(report.cf, 32),
    );
    const rf = computeFrankingTag(key, {
      kid: report.kid,
      cf: report.cf,
      sender: report.sender,
      recipient: report.recipient,
      msgId: report.msg_id,
      ts: report.ts,
    });
    const rfOk = equalBytes(fromBase64(rf), fromBase64(report.rf, 32));
    return cfOk && rfOk;
  } catch {
    return false;
  }
}
