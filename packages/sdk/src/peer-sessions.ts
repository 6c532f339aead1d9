import {
  addOneTimePrekeys,
  bundleWithOneTimePrekey,
  checkFranking,
  CryptoError,
  encodeBundle,
  formatSafetyNumber,
  publicBundle,
  safetyNumber,
  type DeviceKeys,
  type Identity,
  type PrekeySet,
} from '@omechat/crypto';
import { OmeChatError, type DeliveredEnvelope, type DeviceBundle } from '@omechat/protocol';
import type { ClientEventSink } from './client-event-sink.js';
import type { ClientRequester } from './client-connection.js';
import { DeviceSessions, sessionKey, type DeviceSessionRecord } from './device-sessions.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import { decodeTextBody, encodeTextBody } from './message-body.js';
import type { SafetyNumber } from './sdk-types.js';
import type { WriteQueue } from './write-queue.js';

/** The newest session of each remote device a message goes to, by client_hash. */
export type SessionTargets = Map<string, { owner: string; record: DeviceSessionRecord }>;

/** The device lists the server serves now, by user_hash (bundles spend one-time prekeys). */
export type ServedDevices = Map<string, DeviceBundle[]>;

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
}

const PREKEYS_UPLOADED_KEY = 'prekeys_uploaded';
const ONE_TIME_PREKEYS_KEY = 'prekeys';
const OWN_DEVICES_CHECKED_KEY = 'own_devices_checked';
const PREKEY_REFILL = 50;
const peerKeyKey = (user_hash: string) => `peerkey:${user_hash}`;

/**
 * This device's end-to-end sessions with the partner's devices and this user's other devices:
 * publishes its prekeys, opens sessions from served bundles (pinning each peer's user key on first
 * use), encrypts and decrypts. Methods documented "inside the queue" must be called from a
 * `WriteQueue` job; they return store ops instead of writing, so the caller commits them together
 * with the message they belong to.
 */
export class PeerSessions {
  private readonly sessions: DeviceSessions;

  constructor(private readonly deps: PeerSessionsDeps) {
    this.sessions = new DeviceSessions(deps.store, deps.device);
  }

  /** Uploads the signed bundle and the one-time prekeys made at sign-in, unless done already. */
  async uploadPrekeysIfNeeded(): Promise<void> {
    const { store, connection } = this.deps;
    if (await store.get<boolean>(PREKEYS_UPLOADED_KEY)) return;
    const prekeys = (await store.get<PrekeySet>(ONE_TIME_PREKEYS_KEY))!;
    const bundle = encodeBundle(bundleWithOneTimePrekey(publicBundle(this.deps.device, prekeys), null));
    await connection.request(
      {
        type: 'prekeys.upload',
        bundle,
        one_time_prekeys: prekeys.oneTimePrekeys.map((k) => ({ id: k.id, key: k.publicKey })),
      },
      'prekeys.ok',
    );
    await store.write([{ key: PREKEYS_UPLOADED_KEY, value: true }]);
  }

  /** The server ran low on this device's one-time prekeys: make and upload more. */
  async refillPrekeys(): Promise<void> {
    const { store, connection } = this.deps;
    await this.deps.queue.run(async () => {
      const before = (await store.get<PrekeySet>(ONE_TIME_PREKEYS_KEY))!;
      const after = addOneTimePrekeys(before, PREKEY_REFILL);
      const known = new Set(before.oneTimePrekeys.map((k: { id: number }) => k.id));
      const fresh = after.oneTimePrekeys.filter((k: { id: number }) => !known.has(k.id));
      await store.write([{ key: ONE_TIME_PREKEYS_KEY, value: after }]);
      await connection.request(
        { type: 'prekeys.upload', one_time_prekeys: fresh.map((k) => ({ id: k.id, key: k.publicKey })) },
        'prekeys.ok',
      );
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
        const devices = reply.devices.filter((d) => (refresh ? !known.has(d.client_hash) : true));
        const existing = new Map<string, DeviceSessionRecord | undefined>();
        for (const d of devices) existing.set(d.client_hash, await this.sessions.get(d.client_hash));
        const pinned = await this.pinnedKey(user);
        const r = this.sessions.initiate(user, devices, existing, pinned);
        const ops = [...r.ops];
        if (user !== user_hash && !pinned && r.userKey) ops.push({ key: peerKeyKey(user), value: r.userKey });
        if (user === user_hash) ops.push({ key: OWN_DEVICES_CHECKED_KEY, value: true });
        if (ops.length) await store.write(ops);
        if (r.rejected.length)
          this.deps.events.emit('error', {
            code: 'crypto.bad_bundle',
            message: 'A device offered keys that did not verify; it was skipped.',
          });
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

  /** Encrypts one text for the targets (inside the queue: the ops advance their ratchets). */
  encrypt(targets: SessionTargets, text: string): EncryptedText {
    const enc = this.sessions.encrypt(targets, encodeTextBody(text), this.deps.user_hash);
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
      served.set(user, reply.devices);
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
    for (const [client, { owner }] of targets) {
      if (!served.get(owner)?.some((d) => d.client_hash === client)) {
        ops.push({ key: sessionKey(client), delete: true });
        targets.delete(client);
      }
    }
    for (const user of [partner, this.deps.user_hash]) {
      const fresh = served.get(user)!.filter((d) => !targets.has(d.client_hash));
      const r = this.sessions.initiate(user, fresh, new Map(), await this.pinnedKey(user));
      ops.push(...r.ops);
      for (const [client, session] of r.sessions)
        targets.set(client, { owner: user, record: { owner: user, list: [session] } });
    }
    return { targets, ops };
  }

  /** Inside the queue: decrypts an envelope and checks its franking tag. */
  async open(env: DeliveredEnvelope): Promise<OpenedEnvelope> {
    const fromMe = env.from_user === this.deps.user_hash;
    const prekeys = (await this.deps.store.get<PrekeySet>(ONE_TIME_PREKEYS_KEY))!;
    const pinned = await this.pinnedKey(env.from_user);
    let opened;
    try {
      opened = await this.sessions.decrypt(env.from_user, env.from_client, env.ciphertext, prekeys, pinned);
      checkFranking(opened.message, { cf: env.cf, sender: env.from_user });
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      return { ok: false, code: `crypto.${e.code}`, ops: opened?.ops ?? [] };
    }
    const ops: KeyStoreOp[] = [...opened.ops];
    if (!pinned && opened.userKey && !fromMe)
      ops.push({ key: peerKeyKey(env.from_user), value: opened.userKey });
    const { body, kf } = opened.message;
    return { ok: true, text: decodeTextBody(body), franking: { body, kf }, ops };
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

  /** The user key every device of `user` must be signed by: ours, or the one pinned on first use. */
  private async pinnedKey(user: string): Promise<string | undefined> {
    return user === this.deps.user_hash
      ? this.deps.identity.publicKey
      : await this.deps.store.get<string>(peerKeyKey(user));
  }
}
