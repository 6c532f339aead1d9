import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import { fromBase64 } from './base64.js';
import { expandMessageKey } from './body-cipher.js';
import { initiatorSecrets, responderSecrets } from './handshake.js';
import { deriveHandshakeKeys, kdfChain } from './kdf.js';
import { SIGNAL_PROFILE } from './profile.js';
import { createInitiatorState, createResponderState } from './ratchet.js';
import { newX25519 } from './keys.js';

// libsignal serialises X25519 public keys with a 0x05 type byte; we use raw 32-byte keys.
const key = (hex: string) => hexToBytes(hex.length === 66 ? hex.slice(2) : hex);
const peer = {
  userKey: 'A'.repeat(43) + '=',
  dhKey: 'A'.repeat(43) + '=',
  signKey: 'A'.repeat(43) + '=',
  cert: '',
};

// Source: signalapp/libsignal rust/protocol/tests/ratchet.rs (test_ratcheting_session_as_bob /
// test_ratcheting_session_as_alice). The two tests expect different chain keys because the
// published alice_base / bob_ephemeral public keys do not belong to the published private keys:
// Bob's side uses the public halves, Alice's side the private ones. We reproduce both values.
const V = {
  bobEphemeralPublic: '052cb49776b8770205745a3a6e24f579cdb4ba7a89041005928ebbadc9c05ad458',
  bobEphemeralPrivate: 'a1cab48f7c893fafa9880a28c3b4999d28d6329562d27a4ea4e22e9ff1bdd65a',
  bobIdentityPublic: '05f1f43874f6966956c2dd473f8fa15adeb71d1cb991b2341692324cefb1c5e626',
  bobIdentityPrivate: '4875cc69ddf8ea0719ec947d61081135868d5fd801f02c0225e516df2156605e',
  aliceBasePublic: '05472d1fb1a9862c3af6beaca8920277e2b26f4a79213ec7c906aeb35e03cf8950',
  aliceBasePrivate: '11ae7c64d1e61cd596b76a0db5012673391cae66edbfcf073b4da80516a47449',
  aliceIdentityPublic: '05b4a8455660ada65b401007f615e654041746432e3339c6875149bceefcb42b4a',
  aliceIdentityPrivate: '9040f0d4e09cf38f6dc7c13779c908c015a1da4fa78737a080eb0a6f4f5f8f58',
  bobSignedPrekeyPublic: '05ac248a8f263be6863576eb0362e28c828f0107a3379d34bab1586bf8c770cd67',
  bobSignedPrekeyPrivate: '583900131fb727998b7803fe6ac22cc591f342e4e42a8c8d5d78194209b8d253',
  expectedSenderChain: '9797caca53c989bbe229a40ca7727010eb2604fc14945d77958a0aeda088b44d',
  expectedReceiverChain: 'ab9be50e5cb22a925446ab90ee5670545f4fd32902459ec274b6ad0ae5d6031a',
};

describe('Signal profile: libsignal X3DH known answers', () => {
  test('as Bob: the sender chain key (ratchet.rs test_ratcheting_session_as_bob)', () => {
    const secrets = responderSecrets({
      identitySecret: key(V.bobIdentityPrivate),
      signedPrekeySecret: key(V.bobSignedPrekeyPrivate),
      oneTimePrekeySecret: null,
      peerIdentity: key(V.aliceIdentityPublic),
      peerEphemeral: key(V.aliceBasePublic),
    });
    const state = createResponderState({
      profile: SIGNAL_PROFILE,
      keys: deriveHandshakeKeys(SIGNAL_PROFILE, secrets),
      ratchetKeyPair: { secretKey: key(V.bobEphemeralPrivate), publicKey: key(V.bobEphemeralPublic) },
      ad: new Uint8Array(0),
      peer,
      initEphemeral: null,
    });
    expect(bytesToHex(fromBase64(state.send.key))).toBe(V.expectedSenderChain);
  });

  test('as Alice: the receiver chain key (ratchet.rs test_ratcheting_session_as_alice)', () => {
    const secrets = initiatorSecrets({
      identitySecret: key(V.aliceIdentityPrivate),
      ephemeralSecret: key(V.aliceBasePrivate),
      peerIdentity: key(V.bobIdentityPublic),
      peerSignedPrekey: key(V.bobSignedPrekeyPublic),
      peerOneTimePrekey: null,
    });
    const state = createInitiatorState({
      profile: SIGNAL_PROFILE,
      keys: deriveHandshakeKeys(SIGNAL_PROFILE, secrets),
      remoteRatchetKey: key(V.bobEphemeralPublic),
      ad: new Uint8Array(0),
      peer,
      pendingInit: null,
      ratchetKeyPair: newX25519(),
    });
    expect(bytesToHex(fromBase64(state.recv!.key))).toBe(V.expectedReceiverChain);
  });
});

describe('Signal profile: chain key derivation', () => {
  // Source: signalapp/libsignal rust/protocol/src/ratchet/keys.rs, test_chain_key_derivation.
  test('keys.rs test_chain_key_derivation', () => {
    const seed = hexToBytes('8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f');
    const { messageKey, nextChainKey } = kdfChain(seed);
    const m = expandMessageKey(SIGNAL_PROFILE, messageKey);
    expect(bytesToHex(m.cipherKey)).toBe('bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217');
    expect(bytesToHex(m.macKey)).toBe('c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b');
    expect(bytesToHex(nextChainKey)).toBe('28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d');
  });
});
