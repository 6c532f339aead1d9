import type { DeviceKeys } from './device.js';
import type { PrekeySet } from './prekeys.js';
import { rotateSignedPrekeys } from './prekeys.js';

const DAY_MS = 86_400_000;

/** When the signed X25519 prekey and the last-resort ML-KEM prekey rotate, and how long the old pair stays. */
export interface PrekeyRotationPolicy {
  /** Age of the current pair at which it is replaced (default 7 days). */
  rotateEveryMs: number;
  /**
   * How long the replaced pair still opens first messages in flight (default 7 days). Keep it at
   * most `rotateEveryMs`: only one previous pair is kept, so the next rotation deletes it anyway.
   */
  graceMs: number;
  /** Rotate early once this many handshakes were accepted on the current pair (bounds the replay list). */
  maxHandshakesPerPrekey: number;
}

export const DEFAULT_PREKEY_ROTATION: PrekeyRotationPolicy = Object.freeze({
  rotateEveryMs: 7 * DAY_MS,
  graceMs: 7 * DAY_MS,
  maxHandshakesPerPrekey: 5000,
});

/** Result of `maintainPrekeys`: `rotated` means a new bundle must be uploaded. */
export interface PrekeyMaintenance {
  prekeys: PrekeySet;
  rotated: boolean;
  /** Something changed (rotation or deletion of the previous pair): persist `prekeys`. */
  changed: boolean;
}

/**
 * Applies the rotation policy at time `now`: deletes the previous pair once its grace period is
 * over (first messages to it then fail with `unknown_prekey`), and rotates the current pair when it
 * is due. Pure; the caller persists the result and uploads the new bundle when `rotated`.
 */
export function maintainPrekeys(
  device: DeviceKeys,
  prekeys: PrekeySet,
  now: number,
  policy: PrekeyRotationPolicy = DEFAULT_PREKEY_ROTATION,
): PrekeyMaintenance {
  let next = prekeys;
  let changed = false;
  if (next.previous && now - next.previous.retiredAt >= policy.graceMs) {
    const seen = { ...next.seenHandshakes };
    delete seen[String(next.previous.signedPrekey.id)];
    next = { ...next, previous: null, seenHandshakes: seen };
    changed = true;
  }
  const handshakes = next.seenHandshakes[String(next.signedPrekey.id)]?.length ?? 0;
  const due = now - next.createdAt >= policy.rotateEveryMs || handshakes >= policy.maxHandshakesPerPrekey;
  if (due) next = rotateSignedPrekeys(device, next, now);
  return { prekeys: next, rotated: due, changed: changed || due };
}
