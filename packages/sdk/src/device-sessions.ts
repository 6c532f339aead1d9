import {
  acceptSession,
  belongsToSession,
  bundleWithOneTimePrekey,
  CryptoError,
  decodeBundle,
  decrypt,
  encryptFor,
  initiateSession,
  inspectMessage,
  verifyBundle,
  type DeviceKeys,
  type MessageContext,
  type MessagePayload,
  type PrekeySet,
  type SessionState,
} from '@omechat/crypto';
import type { DeviceBundle } from '@omechat/protocol';
import type { KeyStore, KeyStoreOp } from './key-store.js';

/** Sessions with one remote device, newest first (both sides may have started one at once). */
export interface DeviceSessionRecord {
  owner: string;
  list: SessionState[];
}

const MAX_SESSIONS_PER_DEVICE = 3;
export const sessionKey = (client_hash: string) => `session:${client_hash}`;

/**
 * The Double Ratchet sessions of this device with every remote device (partners' and our own
 * other devices). Nothing here writes: every method returns the store ops that the caller commits
 * in one atomic write together with the message it belongs to, so a crash never leaves a ratchet
 * half-advanced.
 */
export class DeviceSessions {
  constructor(
    private readonly store: KeyStore,
    private readonly device: DeviceKeys,
  ) {}

  async get(client_hash: string): Promise<DeviceSessionRecord | undefined> {
    return this.store.get<DeviceSessionRecord>(sessionKey(client_hash));
  }

  /** Opens sessions from served bundles; returns the store ops and the verified user key per device. */
  initiate(
    owner: string,
    devices: DeviceBundle[],
    existing: Map<string, DeviceSessionRecord | undefined>,
    expectedUserKey: string | undefined,
  ): {
    ops: KeyStoreOp[];
    sessions: Map<string, SessionState>;
    userKey: string | undefined;
    rejected: string[];
  } {
    const ops: KeyStoreOp[] = [];
    const sessions = new Map<string, SessionState>();
    const rejected: string[] = [];
    let userKey = expectedUserKey;
    for (const d of devices) {
      try {
        const decoded = decodeBundle(d.bundle);
        const base = d.one_time_prekey
          ? { ...decoded, oneTimePrekeys: [{ id: d.one_time_prekey.id, publicKey: d.one_time_prekey.key }] }
          : bundleWithOneTimePrekey(decoded, null);
        const pq = d.one_time_kem_prekey;
        const served = pq
          ? { ...base, oneTimeKemPrekey: { id: pq.id, publicKey: pq.key, signature: pq.signature } }
          : base;
        const verified = verifyBundle(served, userKey ? { expectedUserKey: userKey } : {});
        userKey ??= verified.device.userKey;
        const session = initiateSession(this.device, verified);
        const prev = existing.get(d.client_hash)?.list ?? [];
        ops.push({
          key: sessionKey(d.client_hash),
          value: { owner, list: [session, ...prev].slice(0, MAX_SESSIONS_PER_DEVICE) },
        });
        sessions.set(d.client_hash, session);
      } catch (e) {
        // A bundle that fails verification is never used; the device is left out of this message.
        if (!(e instanceof CryptoError)) throw e;
        rejected.push(d.client_hash);
      }
    }
    return { ops, sessions, userKey, rejected };
  }

  /**
   * Encrypts one body for several devices, bound to the envelope's chat id and msg id; returns wire
   * ciphertexts and the ops for the new states.
   */
  encrypt(
    current: Map<string, { owner: string; record: DeviceSessionRecord }>,
    body: string,
    sender: string,
    ctx: MessageContext,
  ): { cf: string; ciphertexts: Record<string, string>; ops: KeyStoreOp[] } {
    const input: Record<string, SessionState> = {};
    for (const [client, { record }] of current) input[client] = record.list[0]!;
    const out = encryptFor(input, { body, sender }, ctx);
    const ops: KeyStoreOp[] = [];
    for (const [client, { owner, record }] of current) {
      ops.push({
        key: sessionKey(client),
        value: { owner, list: [out.sessions[client]!, ...record.list.slice(1)] },
      });
    }
    return { cf: out.cf, ciphertexts: out.ciphertexts, ops };
  }

  /**
   * Decrypts one envelope from `from_client` (its chat id and msg id are `ctx`): tries the device's
   * sessions, newest first, and accepts a new session for a first message none of them owns. A
   * first message whose handshake was accepted before (a replay, even after its session was
   * dropped or when no one-time prekey was used) is refused by `acceptSession` with `replay`, so it
   * never makes a second session. Throws CryptoError when nothing opens it. Returns the payload,
   * the peer's user key, and the ops to persist.
   */
  async decrypt(
    from_user: string,
    from_client: string,
    ciphertext: string,
    prekeys: PrekeySet,
    expectedUserKey: string | undefined,
    ctx: MessageContext,
  ): Promise<{
    message: MessagePayload;
    userKey: string | undefined;
    ops: KeyStoreOp[];
    prekeys: PrekeySet | null;
  }> {
    const info = inspectMessage(ciphertext);
    const record = (await this.get(from_client)) ?? { owner: from_user, list: [] };
    if (record.owner !== from_user)
      throw new CryptoError('sender_mismatch', 'device belongs to another user');
    let lastError: unknown = new CryptoError('decrypt_failed', 'no session for this device');
    for (let i = 0; i < record.list.length; i++) {
      const s = record.list[i]!;
      if (!belongsToSession(s, info)) continue;
      try {
        const r = decrypt(s, ciphertext, ctx);
        const list = [r.session, ...record.list.filter((_, j) => j !== i)];
        return {
          message: r.message,
          userKey: s.peer.userKey,
          ops: [{ key: sessionKey(from_client), value: { owner: from_user, list } }],
          prekeys: null,
        };
      } catch (e) {
        if (!(e instanceof CryptoError)) throw e;
        lastError = e;
      }
    }
    if (!info.initial) throw lastError;
    // The initial header of a session we already hold, which failed to open above (tampered,
    // relabelled or replayed): never accept it as a new session.
    if (record.list.some((s) => belongsToSession(s, info))) throw lastError;
    const accepted = acceptSession(this.device, prekeys, ciphertext, {
      context: ctx,
      ...(expectedUserKey ? { expectedUserKey } : {}),
    });
    const list = [accepted.session, ...record.list].slice(0, MAX_SESSIONS_PER_DEVICE);
    return {
      message: accepted.message,
      userKey: accepted.peer.userKey,
      ops: [
        { key: sessionKey(from_client), value: { owner: from_user, list } },
        { key: 'prekeys', value: accepted.prekeys },
      ],
      prekeys: accepted.prekeys,
    };
  }
}
