/**
 * `@omechat/crypto`: OmeChat's end-to-end encryption on audited `@noble` primitives.
 *
 * Everything is synchronous, pure where it touches session state, JSON-serialisable and free of
 * Node built-ins (it runs unchanged in the browser). See docs/crypto.md for the protocol.
 *
 * Typical client flow:
 * 1. Device setup: `generateIdentity()` once per user, `generateDevice(identity)` and
 *    `generatePrekeys(device, 100)` per device; persist all three.
 * 2. Upload `encodeBundle(publicBundle(device, prekeys))`.
 * 3. To talk to a partner device: `initiateSession(device, verifyBundle(served))`.
 * 4. Receiving: `inspectMessage` -> `acceptSession` (first message) or `decrypt`, then `checkFranking`.
 * 5. Sending: `encryptFor(sessionsByDevice, { body, sender }, { chat_id, msg_id })`.
 * 6. Now and then: `maintainPrekeys(device, prekeys, now)` (rotation, deletion after the grace period).
 * 7. `safetyNumber(...)` to compare identities.
 *
 * @packageDocumentation
 */

export { CryptoError } from './crypto-error.js';
export type { CryptoErrorCode } from './crypto-error.js';

export { toBase64, fromBase64 } from './base64.js';

export { OMECHAT_PROFILE, SIGNAL_PROFILE, profileById } from './profile.js';
export type { Profile, BodyCipher } from './profile.js';

export { generateIdentity } from './identity.js';
export type { Identity } from './identity.js';
export { identityFromSecret, identityFromSecretV2 } from './identity-from-secret.js';
export { generateSecret, isV2Secret, SECRET_LENGTH } from './account-secret.js';
export { authenticatorFromSecret } from './authenticator-from-secret.js';

export { generateDevice, devicePublic, verifyDevice } from './device.js';
export type { DeviceKeys, DevicePublic } from './device.js';

export {
  generatePrekeys,
  addOneTimePrekeys,
  addOneTimeKemPrekeys,
  rotateSignedPrekeys,
  upgradePrekeySet,
  MAX_ONE_TIME_PREKEYS,
  MAX_ONE_TIME_KEM_PREKEYS,
} from './prekeys.js';
export type { PrekeySet, PrekeySetV1, SignedPrekey, SignedPrekeyPair, OneTimePrekey } from './prekeys.js';
export { maintainPrekeys, DEFAULT_PREKEY_ROTATION } from './prekey-rotation.js';
export type { PrekeyRotationPolicy, PrekeyMaintenance } from './prekey-rotation.js';
export { NO_CONTEXT } from './message-context.js';
export type { MessageContext } from './message-context.js';

export {
  publicBundle,
  encodeBundle,
  decodeBundle,
  verifyBundle,
  bundleWithOneTimePrekey,
  BUNDLE_VERSION,
} from './public-bundle.js';
export type { PublicBundle, VerifiedBundle } from './public-bundle.js';

export { initiateSession, acceptSession, MAX_SEEN_HANDSHAKES } from './handshake.js';
export type { SessionOptions, AcceptedSession } from './handshake.js';

export { encrypt, decrypt, inspectMessage, belongsToSession } from './session-cipher.js';
export type { MessageInfo } from './session-cipher.js';
export { encryptFor } from './encrypt-for.js';
export type { MultiDeviceMessage } from './encrypt-for.js';
export type { SessionState, ChainState, SkippedKey } from './session-state.js';
export type { MessagePayload } from './message-payload.js';
export { MAX_SKIP, MAX_STORED_SKIPPED } from './ratchet.js';
export { PADDING_BUCKETS, MAX_PLAINTEXT } from './padding.js';
export { WIRE_VERSION } from './wire-message.js';

export {
  newFrankingKey,
  frankingCommitment,
  computeFrankingTag,
  frankingTagInput,
  checkFranking,
  frankingReport,
  verifyFrankingReport,
} from './franking.js';
export type { FrankingContext, FrankingReport, FrankingEnvelope } from './franking.js';

export {
  safetyNumber,
  formatSafetyNumber,
  displayableFingerprint,
  FINGERPRINT_ITERATIONS,
} from './safety-number.js';
