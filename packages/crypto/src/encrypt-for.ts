import { encrypt } from './session-cipher.js';
import { frankingCommitment, newFrankingKey } from './franking.js';
import type { SessionState } from './session-state.js';
import { NO_CONTEXT } from './message-context.js';
import type { MessageContext } from './message-context.js';

/** Result of `encryptFor`: one ciphertext per device and the new state of every session. */
export interface MultiDeviceMessage {
  /** Franking commitment shared by all copies; sent in clear beside each ciphertext. */
  cf: string;
  /** The franking key inside every copy (the sender may keep it to show what it sent). */
  kf: string;
  /** Wire message (base64) per device key of `sessions`. */
  ciphertexts: Record<string, string>;
  /** New session states per device key: persist them all (atomically) before sending. */
  sessions: Record<string, SessionState>;
}

/**
 * Encrypts one message for several devices (the partner's devices and our own other devices,
 * Sesame style): one ciphertext per session, one `kf`/`cf` for all, so a report from any copy
 * verifies the same way. `sender` is our own user hash, as the server will authenticate it; `ctx`
 * is the envelope's chat id and msg id (bound into every copy).
 */
export function encryptFor(
  sessions: Record<string, SessionState>,
  message: { body: string; sender: string },
  ctx: MessageContext = NO_CONTEXT,
): MultiDeviceMessage {
  const kf = newFrankingKey();
  const cf = frankingCommitment(kf, message.body);
  const ciphertexts: Record<string, string> = {};
  const next: Record<string, SessionState> = {};
  for (const [id, session] of Object.entries(sessions)) {
    const r = encrypt(session, { body: message.body, sender: message.sender, kf }, ctx);
    ciphertexts[id] = r.ciphertext;
    next[id] = r.session;
  }
  return { cf, kf, ciphertexts, sessions: next };
}
