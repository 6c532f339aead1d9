import type { ClientEventSink } from './client-event-sink.js';
import { sessionKey, type DeviceSessionRecord } from './device-sessions.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';

export const peerKeyKey = (user_hash: string) => `peerkey:${user_hash}`;

/** What a device of `user` must be certified by, and the store ops that record a change to it. */
export interface ExpectedIdentity {
  /** undefined: not known yet (a legacy account with no registered key): trust on first use. */
  key: string | undefined;
  /** The user's identity key changed: their old sessions are dropped (in `ops`), the app was told. */
  changed: boolean;
  ops: KeyStoreOp[];
}

/**
 * The identity key each partner's devices must be certified by. A partner's key is pinned on first
 * use; the server also serves the key registered for the account, and when that differs from the
 * pinned one (the partner rotated their secret, or the server lies) the new key is pinned, every
 * session with the partner's old devices is dropped, and the app hears `safety-number-changed` so
 * the user can compare safety numbers again. A device not certified by the expected key is never
 * encrypted to (DeviceSessions rejects its bundle). This user's own devices must always be
 * certified by this device's own identity key, whatever the server says.
 */
export class PeerIdentities {
  constructor(
    private readonly deps: { store: KeyStore; events: ClientEventSink; user_hash: string; ownKey: string },
  ) {}

  async pinned(user: string): Promise<string | undefined> {
    return user === this.deps.user_hash
      ? this.deps.ownKey
      : await this.deps.store.get<string>(peerKeyKey(user));
  }

  /** Inside the queue: reconciles the pinned key with the one the server serves for `user`. */
  async expected(user: string, served: string | null | undefined): Promise<ExpectedIdentity> {
    const pinned = await this.pinned(user);
    if (user === this.deps.user_hash || !served || served === pinned)
      return { key: pinned, changed: false, ops: [] };
    const ops: KeyStoreOp[] = [{ key: peerKeyKey(user), value: served }];
    if (!pinned) return { key: served, changed: false, ops };
    for (const key of await this.deps.store.keys('session:')) {
      const record = await this.deps.store.get<DeviceSessionRecord>(key);
      if (record?.owner === user) ops.push({ key: sessionKey(key.slice('session:'.length)), delete: true });
    }
    this.deps.events.emit('safety-number-changed', { user_hash: user });
    return { key: served, changed: true, ops };
  }
}
