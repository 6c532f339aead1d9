import {
  acceptSession,
  decrypt,
  encodeBundle,
  encrypt,
  encryptFor,
  generateDevice,
  generatePrekeys,
  identityFromSecretV2,
  initiateSession,
  publicBundle,
  verifyBundle,
} from '@omechat/crypto';
import type { SealedMessage } from '../load/load-types.js';

export interface SealingUser {
  user_hash: string;
  client_hash: string;
  secret: string;
}

/**
 * Real ciphertexts from A to B made with @omechat/crypto before the run, so the client's crypto is
 * not what is measured: identities from the account secrets, a full handshake (B accepts and
 * replies once, so A's later messages are steady-state ratchet messages without the handshake
 * header), then `count` messages of short chat bodies, encrypted with encryptFor like the SDK does.
 */
export function sealMessages(a: SealingUser, b: SealingUser, count: number): SealedMessage[] {
  const deviceA = generateDevice(identityFromSecretV2(a.secret, a.user_hash));
  const deviceB = generateDevice(identityFromSecretV2(b.secret, b.user_hash));
  const prekeysB = generatePrekeys(deviceB, 1);
  let sa = initiateSession(deviceA, verifyBundle(encodeBundle(publicBundle(deviceB, prekeysB))));
  const hello = encryptFor({ [b.client_hash]: sa }, { body: 'hi!', sender: a.user_hash });
  sa = hello.sessions[b.client_hash]!;
  const accepted = acceptSession(deviceB, prekeysB, hello.ciphertexts[b.client_hash]!);
  const reply = encrypt(accepted.session, { body: 'hey :)', kf: hello.kf, sender: b.user_hash });
  sa = decrypt(sa, reply.ciphertext).session;

  const out: SealedMessage[] = [];
  for (let i = 0; i < count; i++) {
    const body = `message ${i}: how is your day going so far?`;
    const m = encryptFor({ [b.client_hash]: sa }, { body, sender: a.user_hash });
    sa = m.sessions[b.client_hash]!;
    out.push({ ciphertext: m.ciphertexts[b.client_hash]!, cf: m.cf });
  }
  return out;
}
