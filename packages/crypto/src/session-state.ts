import type { DevicePublic } from './device.js';
import type { InitHeader } from './wire-message.js';

/** One symmetric chain: its current key (base64) and the number of the next message on it. */
export interface ChainState {
  key: string;
  n: number;
}

/** A stored key of a message not yet received: [sender ratchet key, message number, message key]. */
export type SkippedKey = [ratchetKey: string, n: number, messageKey: string];

/**
 * The whole state of one session with one partner device. Plain JSON (strings, numbers, arrays,
 * null), so the sdk can persist it atomically. Treat it as immutable: every operation returns a
 * new state and leaves its input untouched.
 */
export interface SessionState {
  v: 1;
  /** Profile id (see `Profile`). */
  profile: string;
  role: 'initiator' | 'responder';
  /** Associated data binding both users' identity keys and both devices' keys, base64. */
  ad: string;
  /** The partner device (its certificate was verified when the session was made). */
  peer: DevicePublic;
  rootKey: string;
  ratchetSecretKey: string;
  ratchetPublicKey: string;
  remoteRatchetKey: string | null;
  send: ChainState;
  recv: ChainState | null;
  /** Length of our previous sending chain (header field `pn`). */
  pn: number;
  /** Keys of skipped messages, oldest first, capped. */
  skipped: SkippedKey[];
  /** Recent earlier remote ratchet keys: a message on one of them without a stored key is a replay. */
  oldRemoteKeys: string[];
  /** Initiator only: sent with every message until the partner's first reply proves it has the session. */
  pendingInit: InitHeader | null;
  /** Responder only: the handshake's ephemeral key, to recognise repeats of the initial header. */
  initEphemeral: string | null;
}
