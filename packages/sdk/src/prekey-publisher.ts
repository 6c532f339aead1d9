import {
  addOneTimeKemPrekeys,
  addOneTimePrekeys,
  bundleWithOneTimePrekey,
  DEFAULT_PREKEY_ROTATION,
  encodeBundle,
  maintainPrekeys,
  publicBundle,
  upgradePrekeySet,
  type DeviceKeys,
  type PrekeyRotationPolicy,
  type PrekeySet,
  type PrekeySetV1,
} from '@omechat/crypto';
import type { ServerFrameOf } from '@omechat/protocol';
import type { ClientRequester } from './client-connection.js';
import type { KeyStore } from './key-store.js';
import type { WriteQueue } from './write-queue.js';

export const PREKEYS_KEY = 'prekeys';
const UPLOADED_KEY = 'prekeys_uploaded';
const BUNDLE_ID_KEY = 'prekeys_bundle_id';
const ONE_TIME_REFILL = 50;
const ONE_TIME_LOW = 20;
/** One-time ML-KEM prekeys made at sign-in and per refill (1184-byte keys: fewer than X25519). */
export const ONE_TIME_KEM_PREKEYS = 20;
const ONE_TIME_KEM_LOW = 10;

export interface PrekeyPublisherDeps {
  store: KeyStore;
  queue: WriteQueue;
  connection: ClientRequester;
  device: DeviceKeys;
  /** Milliseconds since the epoch (tests pass a fake clock). */
  now: () => number;
  rotation?: Partial<PrekeyRotationPolicy>;
}

/** Reads the stored prekey set, upgrading one stored by an earlier SDK (version 1). */
export async function loadPrekeys(store: KeyStore, now: number): Promise<PrekeySet> {
  const stored = await store.get<PrekeySet | PrekeySetV1>(PREKEYS_KEY);
  if (!stored) throw new Error('This device has no prekeys (sign in again).');
  return upgradePrekeySet(stored, now);
}

/**
 * Keeps this device's prekeys published as PQXDH expects: the bundle and every one-time prekey
 * (X25519 and ML-KEM) after sign-in; the signed X25519 prekey and the last-resort ML-KEM prekey
 * rotated on schedule (the previous pair kept for the grace period, then deleted), with the new
 * bundle uploaded; one-time prekeys of both kinds refilled when the server runs low. Prekey state
 * changes run in the `WriteQueue` (so they never race a handshake that consumes a prekey); the
 * uploads run outside it.
 */
export class PrekeyPublisher {
  private readonly policy: PrekeyRotationPolicy;

  constructor(private readonly deps: PrekeyPublisherDeps) {
    this.policy = { ...DEFAULT_PREKEY_ROTATION, ...deps.rotation };
  }

  /** After (re)connecting and now and then: rotate when due, upload what the server lacks. */
  async publish(): Promise<void> {
    const { store, queue, device } = this.deps;
    const plan = await queue.run(async () => {
      const now = this.deps.now();
      const stored = await store.get<PrekeySet | PrekeySetV1>(PREKEYS_KEY);
      if (!stored) return null;
      const m = maintainPrekeys(device, upgradePrekeySet(stored, now), now, this.policy);
      if (m.changed || stored.v !== 2) await store.write([{ key: PREKEYS_KEY, value: m.prekeys }]);
      const first = (await store.get<boolean>(UPLOADED_KEY)) !== true;
      const bundleId = await store.get<number>(BUNDLE_ID_KEY);
      return { prekeys: m.prekeys, first, stale: bundleId !== m.prekeys.signedPrekey.id };
    });
    if (!plan || (!plan.first && !plan.stale)) return;
    const p = plan.prekeys;
    const reply = await this.deps.connection.request(
      {
        type: 'prekeys.upload',
        bundle: encodeBundle(bundleWithOneTimePrekey(publicBundle(device, p), null)),
        one_time_prekeys: plan.first ? p.oneTimePrekeys.map((k) => ({ id: k.id, key: k.publicKey })) : [],
        one_time_kem_prekeys: plan.first ? p.oneTimeKemPrekeys.map(kemUpload) : [],
      },
      'prekeys.ok',
    );
    await store.write([
      { key: UPLOADED_KEY, value: true },
      { key: BUNDLE_ID_KEY, value: p.signedPrekey.id },
    ]);
    await this.refill(reply);
  }

  /** The server has few one-time prekeys of this device left: make and upload more of each kind that is low. */
  async refill(stock: ServerFrameOf<'prekeys.low'> | ServerFrameOf<'prekeys.ok'>): Promise<void> {
    const { store, queue, device } = this.deps;
    const wantX = stock.one_time_prekeys < ONE_TIME_LOW;
    // A server that does not report ML-KEM stock does not store them: nothing to refill.
    const wantKem = stock.one_time_kem_prekeys !== undefined && stock.one_time_kem_prekeys < ONE_TIME_KEM_LOW;
    if (!wantX && !wantKem) return;
    const fresh = await queue.run(async () => {
      const before = await loadPrekeys(store, this.deps.now());
      let after = wantX ? addOneTimePrekeys(before, ONE_TIME_REFILL) : before;
      if (wantKem) after = addOneTimeKemPrekeys(device, after, ONE_TIME_KEM_PREKEYS);
      await store.write([{ key: PREKEYS_KEY, value: after }]);
      const oldX = new Set(before.oneTimePrekeys.map((k) => k.id));
      const oldKem = new Set(before.oneTimeKemPrekeys.map((k) => k.id));
      return {
        x: after.oneTimePrekeys.filter((k) => !oldX.has(k.id)),
        kem: after.oneTimeKemPrekeys.filter((k) => !oldKem.has(k.id)),
      };
    });
    // Keys stored but never uploaded (the upload failed) are simply never used.
    await this.deps.connection.request(
      {
        type: 'prekeys.upload',
        one_time_prekeys: fresh.x.map((k) => ({ id: k.id, key: k.publicKey })),
        one_time_kem_prekeys: fresh.kem.map(kemUpload),
      },
      'prekeys.ok',
    );
  }
}

function kemUpload(k: PrekeySet['oneTimeKemPrekeys'][number]) {
  return { id: k.id, key: k.publicKey, signature: k.signature };
}
