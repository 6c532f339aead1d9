import { concatBytes } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.js';
import { openBody, sealBody } from './body-cipher.js';
import { CryptoError } from './crypto-error.js';
import type { DevicePublic } from './device.js';
import type { HandshakeKeys } from './kdf.js';
import { kdfChain, kdfRoot } from './kdf.js';
import type { KeyPair } from './keys.js';
import { dh, newX25519 } from './keys.js';
import { profileById } from './profile.js';
import type { Profile } from './profile.js';
import type { SessionState, SkippedKey } from './session-state.js';
import type { InitHeader, WireMessage } from './wire-message.js';
import { encodeHeader } from './wire-message.js';
import { contextAd, NO_CONTEXT } from './message-context.js';
import type { MessageContext } from './message-context.js';

/** Most message keys one incoming message may make us skip (and derive). */
export const MAX_SKIP = 1000;
/** Most skipped message keys a session keeps; the oldest are dropped first. */
export const MAX_STORED_SKIPPED = 2000;
const MAX_OLD_REMOTE_KEYS = 20;
const MAX_COUNTER = 0xffffffff;

/**
 * Initiator state right after the handshake, libsignal style: the handshake chain key is the
 * receiving chain for the responder's signed prekey, then one DH ratchet step makes our sending chain.
 */
export function createInitiatorState(p: {
  profile: Profile;
  keys: HandshakeKeys;
  remoteRatchetKey: Uint8Array;
  ad: Uint8Array;
  peer: DevicePublic;
  pendingInit: InitHeader | null;
  ratchetKeyPair?: KeyPair;
}): SessionState {
  const ours = p.ratchetKeyPair ?? newX25519();
  const step = kdfRoot(p.profile, p.keys.rootKey, dh(ours.secretKey, p.remoteRatchetKey));
  return {
    v: 1,
    profile: p.profile.id,
    role: 'initiator',
    ad: toBase64(p.ad),
    peer: p.peer,
    rootKey: toBase64(step.rootKey),
    ratchetSecretKey: toBase64(ours.secretKey),
    ratchetPublicKey: toBase64(ours.publicKey),
    remoteRatchetKey: toBase64(p.remoteRatchetKey),
    send: { key: toBase64(step.chainKey), n: 0 },
    recv: { key: toBase64(p.keys.chainKey), n: 0 },
    pn: 0,
    skipped: [],
    oldRemoteKeys: [],
    pendingInit: p.pendingInit,
    initEphemeral: null,
  };
}

/** Responder state: our ratchet key is the signed prekey and the handshake chain key is our sending chain. */
export function createResponderState(p: {
  profile: Profile;
  keys: HandshakeKeys;
  ratchetKeyPair: KeyPair;
  ad: Uint8Array;
  peer: DevicePublic;
  initEphemeral: string | null;
}): SessionState {
  return {
    v: 1,
    profile: p.profile.id,
    role: 'responder',
    ad: toBase64(p.ad),
    peer: p.peer,
    rootKey: toBase64(p.keys.rootKey),
    ratchetSecretKey: toBase64(p.ratchetKeyPair.secretKey),
    ratchetPublicKey: toBase64(p.ratchetKeyPair.publicKey),
    remoteRatchetKey: null,
    send: { key: toBase64(p.keys.chainKey), n: 0 },
    recv: null,
    pn: 0,
    skipped: [],
    oldRemoteKeys: [],
    pendingInit: null,
    initEphemeral: p.initEphemeral,
  };
}

/** Encrypts one (already padded) plaintext; returns the new state and the wire bytes. */
export function ratchetEncrypt(
  state: SessionState,
  plaintext: Uint8Array,
  ctx: MessageContext = NO_CONTEXT,
): { state: SessionState; wire: Uint8Array } {
  const profile = profileById(state.profile);
  if (state.send.n >= MAX_COUNTER) throw new CryptoError('bad_argument', 'sending chain exhausted');
  const { messageKey, nextChainKey } = kdfChain(fromBase64(state.send.key, 32));
  const headerBytes = encodeHeader(state.pendingInit, {
    ratchetKey: state.ratchetPublicKey,
    pn: state.pn,
    n: state.send.n,
  });
  const ad = concatBytes(fromBase64(state.ad), headerBytes, contextAd(ctx));
  const ciphertext = sealBody(profile, messageKey, plaintext, ad);
  return {
    state: { ...state, send: { key: toBase64(nextChainKey), n: state.send.n + 1 } },
    wire: concatBytes(headerBytes, ciphertext),
  };
}

/** Mutable working copy used inside one decrypt; never escapes unless the message authenticated. */
type Working = Pick<
  SessionState,
  | 'rootKey'
  | 'ratchetSecretKey'
  | 'ratchetPublicKey'
  | 'remoteRatchetKey'
  | 'send'
  | 'recv'
  | 'pn'
  | 'skipped'
  | 'oldRemoteKeys'
>;

function skipTo(w: Working, until: number): void {
  const recv = w.recv;
  if (!recv || w.remoteRatchetKey === null) return;
  if (until - recv.n > MAX_SKIP) throw new CryptoError('too_many_skipped', 'too many skipped messages');
  let key = fromBase64(recv.key, 32);
  let n = recv.n;
  while (n < until) {
    const { messageKey, nextChainKey } = kdfChain(key);
    w.skipped.push([w.remoteRatchetKey, n, toBase64(messageKey)]);
    key = nextChainKey;
    n++;
  }
  w.recv = { key: toBase64(key), n };
  if (w.skipped.length > MAX_STORED_SKIPPED) w.skipped.splice(0, w.skipped.length - MAX_STORED_SKIPPED);
}

function dhRatchet(profile: Profile, w: Working, remote: string): void {
  const remoteKey = fromBase64(remote, 32);
  w.pn = w.send.n;
  if (w.remoteRatchetKey !== null) {
    w.oldRemoteKeys.push(w.remoteRatchetKey);
    if (w.oldRemoteKeys.length > MAX_OLD_REMOTE_KEYS) w.oldRemoteKeys.shift();
  }
  w.remoteRatchetKey = remote;
  const r1 = kdfRoot(profile, fromBase64(w.rootKey, 32), dh(fromBase64(w.ratchetSecretKey, 32), remoteKey));
  w.recv = { key: toBase64(r1.chainKey), n: 0 };
  const ours = newX25519();
  const r2 = kdfRoot(profile, r1.rootKey, dh(ours.secretKey, remoteKey));
  w.rootKey = toBase64(r2.rootKey);
  w.ratchetSecretKey = toBase64(ours.secretKey);
  w.ratchetPublicKey = toBase64(ours.publicKey);
  w.send = { key: toBase64(r2.chainKey), n: 0 };
}

/**
 * Decrypts one parsed wire message. Pure: on any failure it throws and the caller's state is
 * unchanged; on success it returns the new state. Replays (a message whose key was already used)
 * are `CryptoError('replay')`.
 */
export function ratchetDecrypt(
  state: SessionState,
  msg: WireMessage,
  ctx: MessageContext = NO_CONTEXT,
): { state: SessionState; plaintext: Uint8Array } {
  const profile = profileById(state.profile);
  if (msg.init) {
    // A repeat of our own handshake's header is expected until we reply; anything else is another session.
    if (state.role !== 'responder' || msg.init.ephemeralKey !== state.initEphemeral) {
      throw new CryptoError('session_mismatch', 'message belongs to a different session');
    }
  }
  const ad = concatBytes(fromBase64(state.ad), msg.headerBytes, contextAd(ctx));
  const { ratchetKey, n, pn } = msg.header;
  const done = (w: Working | null, plaintext: Uint8Array, skipped?: SkippedKey[]) => ({
    state: {
      ...state,
      ...(w ?? {}),
      ...(skipped ? { skipped } : {}),
      // The partner's reply proves it holds the session, so stop sending the initial header.
      pendingInit: null,
    },
    plaintext,
  });

  const stored = state.skipped.findIndex((s) => s[1] === n && s[0] === ratchetKey);
  if (stored >= 0) {
    const plaintext = openBody(profile, fromBase64(state.skipped[stored]![2], 32), msg.ciphertext, ad);
    const skipped = state.skipped.slice();
    skipped.splice(stored, 1);
    return done(null, plaintext, skipped);
  }

  const w: Working = {
    rootKey: state.rootKey,
    ratchetSecretKey: state.ratchetSecretKey,
    ratchetPublicKey: state.ratchetPublicKey,
    remoteRatchetKey: state.remoteRatchetKey,
    send: state.send,
    recv: state.recv,
    pn: state.pn,
    skipped: state.skipped.slice(),
    oldRemoteKeys: state.oldRemoteKeys.slice(),
  };
  if (ratchetKey === state.remoteRatchetKey) {
    if (!w.recv || n < w.recv.n) throw new CryptoError('replay', 'message key already used');
  } else {
    if (state.oldRemoteKeys.includes(ratchetKey)) {
      throw new CryptoError('replay', 'message for an expired chain');
    }
    if (n > MAX_SKIP) throw new CryptoError('too_many_skipped', 'too many skipped messages');
    skipTo(w, pn);
    dhRatchet(profile, w, ratchetKey);
  }
  skipTo(w, n);
  const { messageKey, nextChainKey } = kdfChain(fromBase64(w.recv!.key, 32));
  const plaintext = openBody(profile, messageKey, msg.ciphertext, ad);
  w.recv = { key: toBase64(nextChainKey), n: n + 1 };
  return done(w, plaintext);
}
