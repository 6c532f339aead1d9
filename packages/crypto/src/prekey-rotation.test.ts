import { describe, expect, test } from 'vitest';
import { testUser } from '../test/session-pair.js';
import { acceptSession, initiateSession } from './handshake.js';
import { maintainPrekeys } from './prekey-rotation.js';
import { generatePrekeys } from './prekeys.js';
import { bundleWithOneTimePrekey, publicBundle, verifyBundle } from './public-bundle.js';
import { encrypt } from './session-cipher.js';

const DAY = 86_400_000;
const KF = 'A'.repeat(43) + '=';
const code = (c: string) => expect.objectContaining({ code: c });
const POLICY = { rotateEveryMs: 7 * DAY, graceMs: 3 * DAY, maxHandshakesPerPrekey: 5000 };

describe('prekey rotation with a fake clock', () => {
  test('the old pair opens in-flight handshakes during the grace period, not after', () => {
    const a = testUser('a');
    const b = testUser('b', 0);
    let clock = 1_000_000;
    b.prekeys = generatePrekeys(b.device, 0, { now: clock });
    // Alice fetched Bob's bundle before the rotation; her first messages are in flight.
    const stale = verifyBundle(bundleWithOneTimePrekey(publicBundle(b.device, b.prekeys), null));
    const inFlight = () =>
      encrypt(initiateSession(a.device, stale), { body: 'late', kf: KF, sender: 'a' }).ciphertext;
    const early = inFlight();
    const late = inFlight();

    clock += 7 * DAY - 1;
    expect(maintainPrekeys(b.device, b.prekeys, clock, POLICY)).toMatchObject({
      rotated: false,
      changed: false,
    });
    clock += 1;
    const r = maintainPrekeys(b.device, b.prekeys, clock, POLICY);
    expect(r.rotated).toBe(true);
    expect(r.prekeys.previous?.signedPrekey.id).toBe(b.prekeys.signedPrekey.id);
    expect(r.prekeys.signedPrekey.id).not.toBe(b.prekeys.signedPrekey.id);
    b.prekeys = r.prekeys;
    // A new bundle must be uploaded; sessions from it work.
    const fresh = verifyBundle(publicBundle(b.device, b.prekeys));
    const now = encrypt(initiateSession(a.device, fresh), { body: 'new', kf: KF, sender: 'a' }).ciphertext;
    const accepted = acceptSession(b.device, b.prekeys, now);
    expect(accepted.message.body).toBe('new');
    b.prekeys = accepted.prekeys;

    // Still inside the grace period: the old pair opens a first message in flight.
    clock += 3 * DAY - 1;
    const inGrace = maintainPrekeys(b.device, b.prekeys, clock, POLICY);
    expect(inGrace.changed).toBe(false);
    const opened = acceptSession(b.device, inGrace.prekeys, early);
    expect(opened.message.body).toBe('late');

    // Grace over: the old pair (and its replay record) is deleted, so the next one is refused.
    clock += 1;
    const after = maintainPrekeys(b.device, opened.prekeys, clock, POLICY);
    expect(after).toMatchObject({ changed: true, rotated: false });
    expect(after.prekeys.previous).toBeNull();
    expect(Object.keys(after.prekeys.seenHandshakes)).toEqual([String(after.prekeys.signedPrekey.id)]);
    expect(() => acceptSession(b.device, after.prekeys, late)).toThrow(code('unknown_prekey'));
  });

  test('many handshakes on one prekey rotate it early (the replay record stays bounded)', () => {
    const b = testUser('b', 0);
    const id = String(b.prekeys.signedPrekey.id);
    const busy = { ...b.prekeys, seenHandshakes: { [id]: Array.from({ length: 10 }, (_, i) => `k${i}`) } };
    const r = maintainPrekeys(b.device, busy, busy.createdAt, { ...POLICY, maxHandshakesPerPrekey: 10 });
    expect(r.rotated).toBe(true);
  });
});
