import { OmeChatError, type ClientFrameOf, type ServerFrameOf } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { RateLimiter } from '../../ports/rate-limiter.js';
import type { PrekeyStore } from '../../ports/store.js';
import type { Principal } from '../accounts/account-service.js';
import type { ClientDirectory } from '../accounts/client-directory.js';
import type { ChatService } from '../chats/chat-service.js';
import type { ClusterHub } from '../cluster/cluster-hub.js';

export const LOW_PREKEY_STOCK = 20;
/** Below this many one-time ML-KEM prekeys a device is told to upload more (the SDK adds 20 below 10). */
export const LOW_KEM_PREKEY_STOCK = 10;

export interface PrekeyLimits {
  /** One-time prekeys stored per device (the SDK keeps 100 and refills 50 below 20). */
  oneTimePrekeysPerDevice: number;
  /** One-time ML-KEM prekeys stored per device (about 1.7 KB each; the SDK keeps 20). */
  oneTimeKemPrekeysPerDevice: number;
  /** `bundles.fetch` by one user of one user per hour: each fetch hands out a one-time prekey per device. */
  bundleFetchesPerPairPerHour: number;
}

export const DEFAULT_PREKEY_LIMITS: PrekeyLimits = {
  oneTimePrekeysPerDevice: 500,
  oneTimeKemPrekeysPerDevice: 100,
  bundleFetchesPerPairPerHour: 60,
};

/**
 * Public prekey bundles (DESIGN §7): devices upload them; a chat partner (or the user's own other
 * device) fetches the bundles of all of a user's devices, each with one one-time prekey handed out
 * once. A device whose stock runs low is told to upload more.
 */
export class PrekeyService {
  readonly limits: PrekeyLimits;

  constructor(
    private readonly deps: {
      store: PrekeyStore;
      chats: ChatService;
      directory: ClientDirectory;
      hub: Pick<ClusterHub, 'sendToClient'>;
      clock: Clock;
      limiter: RateLimiter;
      limits?: Partial<PrekeyLimits>;
      /** The account's registered identity key, served with its bundles (clients check devices against it). */
      identityKeyOf: (user_hash: string) => Promise<string | null>;
    },
  ) {
    this.limits = { ...DEFAULT_PREKEY_LIMITS, ...deps.limits };
  }

  async upload(
    principal: Principal,
    frame: ClientFrameOf<'prekeys.upload'>,
  ): Promise<ServerFrameOf<'prekeys.ok'>> {
    // Checked before anything is stored, so a refused upload leaves no trace.
    if (frame.one_time_prekeys.length > 0) {
      const stock = await this.deps.store.countOneTimePrekeys(principal.client_hash);
      if (stock + frame.one_time_prekeys.length > this.limits.oneTimePrekeysPerDevice)
        throw new OmeChatError('PREKEY_QUOTA_EXCEEDED');
    }
    if (frame.one_time_kem_prekeys.length > 0) {
      const stock = await this.deps.store.countOneTimeKemPrekeys(principal.client_hash);
      if (stock + frame.one_time_kem_prekeys.length > this.limits.oneTimeKemPrekeysPerDevice)
        throw new OmeChatError('PREKEY_QUOTA_EXCEEDED', {
          message: 'This device already stores the most one-time ML-KEM prekeys allowed.',
        });
    }
    if (frame.bundle)
      await this.deps.store.putBundle(principal.client_hash, frame.bundle, this.deps.clock.now());
    if (frame.one_time_prekeys.length > 0)
      await this.deps.store.addOneTimePrekeys(principal.client_hash, frame.one_time_prekeys);
    if (frame.one_time_kem_prekeys.length > 0)
      await this.deps.store.addOneTimeKemPrekeys(principal.client_hash, frame.one_time_kem_prekeys);
    const count = await this.deps.store.countOneTimePrekeys(principal.client_hash);
    const kemCount = await this.deps.store.countOneTimeKemPrekeys(principal.client_hash);
    return { type: 'prekeys.ok', ref: frame.ref, one_time_prekeys: count, one_time_kem_prekeys: kemCount };
  }

  async fetch(
    principal: Principal,
    frame: ClientFrameOf<'bundles.fetch'>,
  ): Promise<ServerFrameOf<'bundles'>> {
    if (!(await this.deps.chats.sharesChat(principal.user_hash, frame.user_hash)))
      throw new OmeChatError('NOT_IN_CHAT');
    // Per requesting user and target user: a partner cannot drain a device's one-time prekeys.
    const rl = await this.deps.limiter.hit(
      `bundles:${principal.user_hash}:${frame.user_hash}`,
      this.limits.bundleFetchesPerPairPerHour,
      3_600_000,
    );
    if (!rl.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: rl.retryAfterSeconds });
    const devices: ServerFrameOf<'bundles'>['devices'] = [];
    for (const client_hash of await this.deps.directory.clientsOf(frame.user_hash)) {
      if (client_hash === principal.client_hash) continue;
      const b = await this.deps.store.takeBundle(client_hash);
      if (!b) continue;
      devices.push({
        client_hash,
        bundle: b.bundle,
        one_time_prekey: b.one_time_prekey,
        one_time_kem_prekey: b.one_time_kem_prekey,
      });
      if (b.one_time_prekey || b.one_time_kem_prekey) {
        const left = await this.deps.store.countOneTimePrekeys(client_hash);
        const kemLeft = await this.deps.store.countOneTimeKemPrekeys(client_hash);
        if (left < LOW_PREKEY_STOCK || kemLeft < LOW_KEM_PREKEY_STOCK)
          this.deps.hub.sendToClient(client_hash, {
            type: 'prekeys.low',
            one_time_prekeys: left,
            one_time_kem_prekeys: kemLeft,
          });
      }
    }
    const identity_key = await this.deps.identityKeyOf(frame.user_hash);
    return { type: 'bundles', ref: frame.ref, user_hash: frame.user_hash, identity_key, devices };
  }
}
