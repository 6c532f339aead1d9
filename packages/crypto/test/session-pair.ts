import { generateDevice } from '../src/device.js';
import type { DeviceKeys } from '../src/device.js';
import { initiateSession, acceptSession } from '../src/handshake.js';
import { generateIdentity } from '../src/identity.js';
import type { Identity } from '../src/identity.js';
import { generatePrekeys } from '../src/prekeys.js';
import type { PrekeySet } from '../src/prekeys.js';
import type { Profile } from '../src/profile.js';
import { bundleWithOneTimePrekey, encodeBundle, publicBundle, verifyBundle } from '../src/public-bundle.js';
import { encrypt } from '../src/session-cipher.js';
import type { SessionState } from '../src/session-state.js';

/** A user with one device and prekeys (tests only). */
export interface TestUser {
  hash: string;
  identity: Identity;
  device: DeviceKeys;
  prekeys: PrekeySet;
}

export function testUser(hash: string, oneTime = 2): TestUser {
  const identity = generateIdentity();
  const device = generateDevice(identity);
  return { hash, identity, device, prekeys: generatePrekeys(device, oneTime) };
}

/** A session pair where the responder has accepted the initiator's first message ("hello"). */
export function sessionPair(
  a: TestUser,
  b: TestUser,
  opts: { profile?: Profile; oneTime?: boolean } = {},
): { alice: SessionState; bob: SessionState } {
  const full = publicBundle(b.device, b.prekeys);
  const served = bundleWithOneTimePrekey(
    full,
    opts.oneTime === false ? null : (full.oneTimePrekeys[0]?.id ?? null),
  );
  const bundle = verifyBundle(encodeBundle(served));
  const start = initiateSession(a.device, bundle, opts.profile ? { profile: opts.profile } : {});
  const first = encrypt(start, { body: 'hello', kf: 'A'.repeat(43) + '=', sender: a.hash });
  const accepted = acceptSession(
    b.device,
    b.prekeys,
    first.ciphertext,
    opts.profile ? { profile: opts.profile } : {},
  );
  b.prekeys = accepted.prekeys;
  return { alice: first.session, bob: accepted.session };
}
