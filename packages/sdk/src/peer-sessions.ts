import {
  checkFranking,
  CryptoError,
  formatSafetyNumber,
  safetyNumber,
  type DeviceKeys,
  type Identity,
  type MessageContext,
} from '@omechat/crypto';
import { OmeChatError, type DeliveredEnvelope, type DeviceBundle } from '@omechat/protocol';
import type { ClientEventSink } from './client-event-sink.js';
import type { ClientRequester } from './client-connection.js';
import { DeviceSessions, sessionKey, type DeviceSessionRecord } from './device-sessions.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import { decodeTextBody, encodeTextBody } from './message-body.js';
import { PeerIdentities, peerKeyKey } from './peer-identities.js';
import type { SafetyNumber } from './sdk-types.js';
import type { WriteQueue } from './write-queue.js';
import { loadPrekeys } from './prekey-publisher.js';

/** The newest session of each remote device a message goes to, by client_hash. */
export type SessionTargets = Map<string, { owner: string; record: DeviceSessionRecord }>;

/**
 * The device lists the server serves now, with the identity key registered for each user, by
 * user_hash (bundles spend one-time prekeys).
 */
export type ServedDevices = Map<string, { identity_key: string | null; devices: DeviceBundle[] }>;

/** One text encrypted for several devices, with the ratchet steps to store in the same write. */
export interface EncryptedText {
  cf: string;
  envelopes: { to_client: string; ciphertext: string }[];
  ops: KeyStoreOp[];
}

/**
 * An envelope opened (or not): `ops` (ratchet steps, a newly pinned peer key) are stored even when
 * the message itself is dropped, so a ratchet that moved past a forged message stays moved.
 * `text` is null for a body that is not a text message.
 */
export type OpenedEnvelope =
  | { ok: true; text: string | null; franking: OpenedFranking; ops: KeyStoreOp[] }
  | { ok: false; code: string; ops: KeyStoreOp[] };

/** What only the decrypted payload holds of a message's franking: kept so it can be reported. */
export interface OpenedFranking {
  /** The body exactly as committed (the JSON body text, not the displayed text). */
  body: string;
  kf: string;
}

export interface PeerSessionsDeps {
  store: KeyStore;
  queue: WriteQueue;
  connection: ClientRequester;
  events: ClientEventSink;
  identity: Identity;
  device: DeviceKeys;
  user_hash: string;
  client_hash: string;
  /** Milliseconds since the epoch. */
  now: () => number;
}

const OWN_DEVICES_CHECKED_KEY = 'own_devices_checked';

/**
 * This device's end-to-end sessions with the partner's devices and this user's other devices
 * (its own prekeys are published by `PrekeyPublisher`): opens sessions from served bundles (pinning each peer's user key on first
 * use), encrypts and decrypts. Methods documented "inside the queue" must be called from a
 * `WriteQueue` job; they return store ops instead of writing, so the caller commits them together
 * with the message they belong to.
 */
export class PeerSessions {
  private readonly sessions: DeviceSessions;
  private readonly identities: PeerIdentities;

  constructor(private readonly deps: PeerSessionsDeps) {
    this.sessions = new DeviceSessions(deps.store, deps.device);
    this.identities = new PeerIdentities({
      store: deps.store,
      events: deps.events,
      user_hash: deps.user_hash,
      ownKey: deps.identity.publicKey,
    });
  }

  /**
   * Makes sure sessions exist with the partner's devices and this user's other devices, fetching
   * bundles (which spends one-time prekeys) only for users with no session yet, or when `refresh`.
   */
  async ensure(partner: string, refresh = false): Promise<void> {
    const { store, user_hash } = this.deps;
    const known = await this.targets(partner);
    const owners = new Set([...known.values()].map((v) => v.owner));
    for (const user of [partner, user_hash]) {
      if (owners.has(user) && !refresh) continue;
      if (user === user_hash && !refresh && (await store.get<boolean>(OWN_DEVICES_CHECKED_KEY))) continue;
      const reply = await this.deps.connection.request({ type: 'bundles.fetch', user_hash: user }, 'bundles');
      await this.deps.queue.run(async () => {
        // Another tab (or an earlier call) may have opened sessions with this user meanwhile.
        if (!refresh && [...(await this.targets(partner)).values()].some((v) => v.owner === user)) return;
        const id = await this.identities.expected(user, reply.identity_key);
        const devices = reply.devices.filter((d) =>
          refresh && !id.changed ? !known.has(d.client_hash) : true,
        );
        const existing = new Map<string, DeviceSessionRecord | undefined>();
        for (const d of devices)
          existing.set(d.client_hash, id.changed ? undefined : await this.sessions.get(d.client_hash));
        const r = this.sessions.initiate(user, devices, existing, id.key);
        const ops = [...id.ops, ...r.ops];
        if (user !== user_hash && !id.key && r.userKey) ops.push({ key: peerKeyKey(user), value: r.userKey });
        if (user === user_hash) ops.push({ key: OWN_DEVICES_CHECKED_KEY, value: true });
        if (ops.length) await store.write(ops);
        if (r.rejected.length) this.reportRejected();
        // New devices of a partner we already had sessions with: the chat shows a notice.
        if (refresh && user !== user_hash && owners.has(user) && !id.changed && r.sessions.size > 0)
          this.deps.events.emit('devices-changed', { user_hash: user, added: r.sessions.size, removed: 0 });
      });
    }
  }

  /** The newest session of every known device of the partner and of this user's other devices. */
  async targets(partner: string): Promise<SessionTargets> {
    const { store, user_hash, client_hash } = this.deps;
    const out: SessionTargets = new Map();
    for (const key of await store.keys('session:')) {
      const record = await store.get<DeviceSessionRecord>(key);
      const client = key.slice('session:'.length);
      if (!record || record.list.length === 0 || client === client_hash) continue;
      if (record.owner === partner || record.owner === user_hash)
        out.set(client, { owner: record.owner, record });
    }
    return out;
  }

  /**
   * Encrypts one text for the targets, bound to its chat id and msg id (inside the queue: the ops
   * advance their ratchets).
   */
  encrypt(targets: SessionTargets, text: string, ctx: MessageContext): EncryptedText {
    const enc = this.sessions.encrypt(targets, encodeTextBody(text), this.deps.user_hash, ctx);
    return {
      cf: enc.cf,
      envelopes: Object.entries(enc.ciphertexts).map(([to_client, ciphertext]) => ({
        to_client,
        ciphertext,
      })),
      ops: enc.ops,
    };
  }

  /** Fetches the partner's and this user's current device lists (before `resync`, outside the queue). */
  async fetchDevices(partner: string): Promise<ServedDevices> {
    const served: ServedDevices = new Map();
    for (const user of [partner, this.deps.user_hash]) {
      const reply = await this.deps.connection.request({ type: 'bundles.fetch', user_hash: user }, 'bundles');
      served.set(user, { identity_key: reply.identity_key ?? null, devices: reply.devices });
    }
    return served;
  }

  /**
   * Inside the queue: drops sessions of devices no longer served and opens sessions with new ones.
   * Returns the targets as they are now and the ops that make it so.
   */
  async resync(
    partner: string,
    served: ServedDevices,
  ): Promise<{ targets: SessionTargets; ops: KeyStoreOp[] }> {
    const ops: KeyStoreOp[] = [];
    const targets = await this.targets(partner);
    const expected = new Map<string, string | undefined>();
    let changed = false;
    for (const user of [partner, this.deps.user_hash]) {
      const id = await this.identities.expected(user, served.get(user)!.identity_key);
      ops.push(...id.ops);
      expected.set(user, id.key);
      if (!id.changed) continue;
      changed = true;
      for (const [client, t] of targets) if (t.owner === user) targets.delete(client);
    }
    let removed = 0;
    for (const [client, { owner }] of targets) {
      if (!served.get(owner)?.devices.some((d) => d.client_hash === client)) {
        ops.push({ key: sessionKey(client), delete: true });
        targets.delete(client);
        if (owner === partner) removed++;
      }
    }
    let added = 0;
    for (const user of [partner, this.deps.user_hash]) {
      const fresh = served.get(user)!.devices.filter((d) => !targets.has(d.client_hash));
      const r = this.sessions.initiate(user, fresh, new Map(), expected.get(user));
      ops.push(...r.ops);
      if (user !== this.deps.user_hash && !expected.get(user) && r.userKey)
        ops.push({ key: peerKeyKey(user), value: r.userKey });
      for (const [client, session] of r.sessions)
        targets.set(client, { owner: user, record: { owner: user, list: [session] } });
      if (user === partner) added += r.sessions.size;
      if (r.rejected.length) this.reportRejected();
    }
    // A changed identity already told the app; otherwise a changed device list is worth a notice.
    if (!changed && (added || removed))
      this.deps.events.emit('devices-changed', { user_hash: partner, added, removed });
    return { targets, ops };
  }

  /**
   * Inside the queue: decrypts an envelope and checks its franking tag. A first message from a
   * partner device certified by another identity key than the pinned one is opened only if the
   * server now serves that key for the partner (a rotation: `safety-number-changed`).
   */
  async open(env: DeliveredEnvelope): Promise<OpenedEnvelope> {
    const fromMe = env.from_user === this.deps.user_hash;
    const prekeys = await loadPrekeys(this.deps.store, this.deps.now());
    let pinned = await this.pinnedKey(env.from_user);
    const ctx = { chat_id: env.chat_id, msg_id: env.msg_id };
    const newDevice = !fromMe && !(await this.sessions.get(env.from_client));
    const pre: KeyStoreOp[] = [];
    let opened;
    try {
      try {
        opened = await this.sessions.decrypt(
          env.from_user,
          env.from_client,
          env.ciphertext,
          prekeys,
          pinned,
          ctx,
        );
      } catch (e) {
        if (!(e instanceof CryptoError) || e.code !== 'identity_mismatch' || fromMe) throw e;
        const id = await this.identityServedFor(env.from_user);
        if (!id.changed) throw e;
        pre.push(...id.ops);
        pinned = id.key;
        opened = await this.sessions.decrypt(
          env.from_user,
          env.from_client,
          env.ciphertext,
          prekeys,
          pinned,
          ctx,
        );
      }
      checkFranking(opened.message, { cf: env.cf, sender: env.from_user });
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      const partial = opened as { ops: KeyStoreOp[] } | undefined;
      return { ok: false, code: `crypto.${e.code}`, ops: [...pre, ...(partial?.ops ?? [])] };
    }
    const ops: KeyStoreOp[] = [...pre, ...opened.ops];
    if (!pinned && opened.userKey && !fromMe)
      ops.push({ key: peerKeyKey(env.from_user), value: opened.userKey });
    if (newDevice && pre.length === 0 && (await this.hasOtherSessionsWith(env.from_user, env.from_client)))
      this.deps.events.emit('devices-changed', { user_hash: env.from_user, added: 1, removed: 0 });
    const { body, kf } = opened.message;
    return { ok: true, text: decodeTextBody(body), franking: { body, kf }, ops };
  }

  /** Inside the queue: asks the server which identity key the user has now (spends one-time prekeys). */
  private async identityServedFor(user: string) {
    const reply = await this.deps.connection.request({ type: 'bundles.fetch', user_hash: user }, 'bundles');
    return this.identities.expected(user, reply.identity_key ?? null);
  }

  private async hasOtherSessionsWith(user: string, except: string): Promise<boolean> {
    for (const key of await this.deps.store.keys('session:')) {
      if (key === sessionKey(except)) continue;
      if ((await this.deps.store.get<DeviceSessionRecord>(key))?.owner === user) return true;
    }
    return false;
  }

  private reportRejected(): void {
    this.deps.events.emit('error', {
      code: 'crypto.bad_bundle',
      message: 'A device offered keys that did not verify; it was skipped.',
    });
  }

  /** The safety number with a partner, opening sessions first when their key is not known yet. */
  async safetyNumber(partner: string, chatActive: boolean): Promise<SafetyNumber> {
    const { store } = this.deps;
    let theirs = await store.get<string>(peerKeyKey(partner));
    if (!theirs && chatActive) {
      await this.ensure(partner);
      theirs = await store.get<string>(peerKeyKey(partner));
    }
    if (!theirs)
      throw new OmeChatError('BUNDLE_NOT_FOUND', { message: "The partner's keys are not known yet." });
    const digits = safetyNumber(this.deps.identity.publicKey, this.deps.user_hash, theirs, partner);
    return { digits, groups: formatSafetyNumber(digits).split(' ') };
  }

  /** The user key every device of `user` must be signed by: ours, or the one pinned for the partner. */
  private pinnedKey(user: string): Promise<string | undefined> {
    return this.identities.pinned(user);
  }
}
