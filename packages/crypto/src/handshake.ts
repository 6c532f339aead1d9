import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.js';
import { ByteWriter } from './byte-writer.js';
import { CryptoError } from './crypto-error.js';
import type { DeviceKeys, DevicePublic } from './device.js';
import { devicePublic, verifyDevice } from './device.js';
import { deriveHandshakeKeys } from './kdf.js';
import { dh, newX25519 } from './keys.js';
import { decodePayload } from './message-payload.js';
import type { MessagePayload } from './message-payload.js';
import { unpad } from './padding.js';
import type { PrekeySet, SignedPrekey } from './prekeys.js';
import { NO_CONTEXT } from './message-context.js';
import type { MessageContext } from './message-context.js';
import { OMECHAT_PROFILE } from './profile.js';
import type { Profile } from './profile.js';
import type { VerifiedBundle } from './public-bundle.js';
import { createInitiatorState, createResponderState, ratchetDecrypt } from './ratchet.js';
import type { SessionState } from './session-state.js';
import { decodeWireMessage } from './wire-message.js';
import type { InitHeader } from './wire-message.js';

/**
 * Associated data of a session: both users' identity keys and both devices' keys, initiator first.
 * It is bound into every message, so a session cannot be re-pointed at another identity or device.
 */
export function sessionAd(initiator: DevicePublic, responder: DevicePublic): Uint8Array {
  const w = new ByteWriter().lengthPrefixed(utf8ToBytes('OmeChat v1 session'));
  for (const d of [initiator, responder]) {
    w.bytes(fromBase64(d.userKey, 32)).bytes(fromBase64(d.dhKey, 32)).bytes(fromBase64(d.signKey, 32));
  }
  return w.finish();
}

/** X3DH DH1..DH4 as the initiator computes them (order fixed by the spec). */
export function initiatorSecrets(p: {
  identitySecret: Uint8Array;
  ephemeralSecret: Uint8Array;
  peerIdentity: Uint8Array;
  peerSignedPrekey: Uint8Array;
  peerOneTimePrekey: Uint8Array | null;
}): Uint8Array[] {
  const out = [
    dh(p.identitySecret, p.peerSignedPrekey),
    dh(p.ephemeralSecret, p.peerIdentity),
    dh(p.ephemeralSecret, p.peerSignedPrekey),
  ];
  if (p.peerOneTimePrekey) out.push(dh(p.ephemeralSecret, p.peerOneTimePrekey));
  return out;
}

/** X3DH DH1..DH4 as the responder computes them; equal to `initiatorSecrets`. */
export function responderSecrets(p: {
  identitySecret: Uint8Array;
  signedPrekeySecret: Uint8Array;
  oneTimePrekeySecret: Uint8Array | null;
  peerIdentity: Uint8Array;
  peerEphemeral: Uint8Array;
}): Uint8Array[] {
  const out = [
    dh(p.signedPrekeySecret, p.peerIdentity),
    dh(p.identitySecret, p.peerEphemeral),
    dh(p.signedPrekeySecret, p.peerEphemeral),
  ];
  if (p.oneTimePrekeySecret) out.push(dh(p.oneTimePrekeySecret, p.peerEphemeral));
  return out;
}

/** Options shared by the session constructors. */
export interface SessionOptions {
  /** Defaults to `OMECHAT_PROFILE`. */
  profile?: Profile;
}

/**
 * Starts a session with a partner device from its verified bundle (PQXDH: DH1..DH3, DH4 if the
 * bundle offers a one-time prekey, plus an ML-KEM-768 encapsulation). The returned state sends the
 * initial header with every message until the partner replies.
 */
export function initiateSession(
  device: DeviceKeys,
  peer: VerifiedBundle,
  opts: SessionOptions = {},
): SessionState {
  const profile = opts.profile ?? OMECHAT_PROFILE;
  const ek = newX25519();
  const otpk = peer.oneTimePrekeys[0] ?? null;
  // PQXDH: a one-time ML-KEM prekey when the server served one, else the last-resort one.
  const pqpk = peer.oneTimeKemPrekey ?? peer.kemPrekey;
  const peerSpk = fromBase64(peer.signedPrekey.publicKey, 32);
  const secrets = initiatorSecrets({
    identitySecret: fromBase64(device.dhSecretKey, 32),
    ephemeralSecret: ek.secretKey,
    peerIdentity: fromBase64(peer.device.dhKey, 32),
    peerSignedPrekey: peerSpk,
    peerOneTimePrekey: otpk ? fromBase64(otpk.publicKey, 32) : null,
  });
  let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    kem = ml_kem768.encapsulate(fromBase64(pqpk.publicKey));
  } catch {
    // A signed but malformed ML-KEM key (coefficients out of range) is the peer's fault: typed error.
    throw new CryptoError('bad_key', 'unusable ML-KEM public key');
  }
  const keys = deriveHandshakeKeys(profile, [...secrets, kem.sharedSecret]);
  const me = devicePublic(device);
  const init: InitHeader = {
    device: me,
    ephemeralKey: toBase64(ek.publicKey),
    signedPrekeyId: peer.signedPrekey.id,
    kemPrekeyId: pqpk.id,
    oneTimePrekeyId: otpk ? otpk.id : null,
    kemCiphertext: toBase64(kem.cipherText),
  };
  return createInitiatorState({
    profile,
    keys,
    remoteRatchetKey: peerSpk,
    ad: sessionAd(me, peer.device),
    peer: devicePublic(peer.device),
    pendingInit: init,
  });
}

/** Most handshakes remembered per signed prekey; `maintainPrekeys` rotates before this is reached. */
export const MAX_SEEN_HANDSHAKES = 10_000;

function findSigned(prekeys: PrekeySet, spkId: number): SignedPrekey {
  const pairs = prekeys.previous ? [prekeys, prekeys.previous] : [prekeys];
  const spk = pairs.find((p) => p.signedPrekey.id === spkId)?.signedPrekey;
  if (!spk) throw new CryptoError('unknown_prekey', 'signed prekey not found (rotated out?)');
  return spk;
}

function findKem(prekeys: PrekeySet, kemId: number): { kem: SignedPrekey; oneTimeKem: boolean } {
  const pairs = prekeys.previous ? [prekeys, prekeys.previous] : [prekeys];
  const lastResort = pairs.find((p) => p.kemPrekey.id === kemId)?.kemPrekey;
  if (lastResort) return { kem: lastResort, oneTimeKem: false };
  const oneTime = prekeys.oneTimeKemPrekeys.find((k) => k.id === kemId);
  if (!oneTime) throw new CryptoError('unknown_prekey', 'ML-KEM prekey unknown, used or rotated out');
  return { kem: oneTime, oneTimeKem: true };
}

/** Result of `acceptSession`. */
export interface AcceptedSession {
  session: SessionState;
  /** The prekey set without the consumed one-time prekeys and with the handshake recorded: persist it with the session. */
  prekeys: PrekeySet;
  /** The decrypted first message. */
  message: MessagePayload;
  /** The initiator's certified device; compare `peer.userKey` with the partner you expect. */
  peer: DevicePublic;
}

/**
 * Completes the handshake from an initial message and decrypts it. Verifies the initiator's device
 * certificate (and `expectedUserKey` if given). Pure: nothing is consumed unless the message opens.
 * A one-time prekey can be used once only (a replay is `unknown_prekey`), and a handshake already
 * accepted on a signed prekey is `replay` even without one (its ephemeral key is remembered in
 * `prekeys.seenHandshakes` for as long as the signed prekey lives).
 */
export function acceptSession(
  device: DeviceKeys,
  prekeys: PrekeySet,
  wire: string | Uint8Array,
  opts: SessionOptions & { expectedUserKey?: string; context?: MessageContext } = {},
): AcceptedSession {
  const profile = opts.profile ?? OMECHAT_PROFILE;
  const msg = decodeWireMessage(wire);
  const init = msg.init;
  if (!init) throw new CryptoError('session_mismatch', 'not an initial message');
  if (opts.expectedUserKey !== undefined && init.device.userKey !== opts.expectedUserKey) {
    throw new CryptoError('identity_mismatch', 'initiator is not the expected user');
  }
  verifyDevice(init.device);
  const spk = findSigned(prekeys, init.signedPrekeyId);
  // Checked before any one-time key lookup, so a replay is reported as what it is.
  const seenKey = String(spk.id);
  const seen = prekeys.seenHandshakes[seenKey] ?? [];
  if (seen.includes(init.ephemeralKey)) throw new CryptoError('replay', 'handshake already accepted');
  if (seen.length >= MAX_SEEN_HANDSHAKES)
    throw new CryptoError('unknown_prekey', 'signed prekey has accepted its most handshakes');
  const { kem, oneTimeKem } = findKem(prekeys, init.kemPrekeyId);
  let otpkSecret: Uint8Array | null = null;
  if (init.oneTimePrekeyId !== null) {
    const otpk = prekeys.oneTimePrekeys.find((k) => k.id === init.oneTimePrekeyId);
    if (!otpk) throw new CryptoError('unknown_prekey', 'one-time prekey unknown or already used');
    otpkSecret = fromBase64(otpk.secretKey, 32);
  }
  const secrets = responderSecrets({
    identitySecret: fromBase64(device.dhSecretKey, 32),
    signedPrekeySecret: fromBase64(spk.secretKey, 32),
    oneTimePrekeySecret: otpkSecret,
    peerIdentity: fromBase64(init.device.dhKey, 32),
    peerEphemeral: fromBase64(init.ephemeralKey, 32),
  });
  const kemSecret = ml_kem768.decapsulate(fromBase64(init.kemCiphertext), fromBase64(kem.secretKey));
  const keys = deriveHandshakeKeys(profile, [...secrets, kemSecret]);
  const start = createResponderState({
    profile,
    keys,
    ratchetKeyPair: { secretKey: fromBase64(spk.secretKey, 32), publicKey: fromBase64(spk.publicKey, 32) },
    ad: sessionAd(init.device, devicePublic(device)),
    peer: devicePublic(init.device),
    initEphemeral: init.ephemeralKey,
  });
  const { state, plaintext } = ratchetDecrypt(start, msg, opts.context ?? NO_CONTEXT);
  const message = decodePayload(unpad(plaintext));
  const next: PrekeySet = {
    ...prekeys,
    oneTimePrekeys: prekeys.oneTimePrekeys.filter((k) => k.id !== init.oneTimePrekeyId),
    oneTimeKemPrekeys: oneTimeKem
      ? prekeys.oneTimeKemPrekeys.filter((k) => k.id !== kem.id)
      : prekeys.oneTimeKemPrekeys,
    seenHandshakes: { ...prekeys.seenHandshakes, [seenKey]: [...seen, init.ephemeralKey] },
  };
  return { session: state, prekeys: next, message, peer: state.peer };
}
