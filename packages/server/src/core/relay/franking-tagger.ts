import { createHmac, randomBytes } from 'node:crypto';
import { frankingTagInputBuffer } from './franking-tag-input.js';
import type { ServerKeyStore } from '../../ports/store.js';
import type { Clock } from '../../ports/clock.js';

const HOUR = 3_600_000;

export interface FrankingKeyPolicy {
  /** A new key every this many ms (a whole number of hours). */
  rotationMs: number;
  /** Keys are kept this long after their period, so reports of older messages still verify. */
  retentionMs: number;
}

export const DEFAULT_FRANKING_KEY_POLICY: FrankingKeyPolicy = {
  rotationMs: 24 * HOUR,
  retentionMs: 37 * 24 * HOUR,
};

/**
 * The server half of message franking (DESIGN §8): rf = HMAC(K_server[kid], cf | sender | recipient |
 * msg_id | ts), over exactly `@omechat/crypto`'s encoding (so reports verify with its code) written
 * by `frankingTagInputBuffer`, forwarded with the envelope. Keys rotate: the kid is the start of the key's period in hours since the epoch, so
 * every node derives the same kid and the store's first-writer-wins gives them the same key. Keys
 * are persisted, so reports verify after a restart, and deleted after their retention.
 */
export class FrankingTagger {
  private readonly keys = new Map<number, Uint8Array>();
  private current: number | undefined;
  private readonly policy: FrankingKeyPolicy;

  constructor(
    private readonly store: ServerKeyStore,
    private readonly clock: Clock,
    policy: Partial<FrankingKeyPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_FRANKING_KEY_POLICY, ...policy };
    if (this.policy.rotationMs < HOUR || this.policy.rotationMs % HOUR !== 0)
      throw new Error('franking key rotation must be a whole number of hours');
  }

  /** The kid new messages are tagged with. */
  get kid(): number {
    if (this.current === undefined) throw new Error('FrankingTagger.init() was not called');
    return this.current;
  }

  async init(): Promise<void> {
    await this.rotate();
  }

  /**
   * Switches to the key of the current period, creating it (and the next one, so the switch at the
   * boundary never waits for the store) when missing. Call often (every minute): it is cheap.
   */
  async rotate(): Promise<void> {
    const now = this.clock.now();
    const kid = this.kidAt(now);
    for (const k of [kid, this.kidAt(now + this.policy.rotationMs)]) {
      if (this.keys.has(k)) continue;
      const hex = await this.store.getOrCreateServerKey('franking', k, randomBytes(32).toString('hex'), now);
      this.keys.set(k, Uint8Array.from(Buffer.from(hex, 'hex')));
    }
    this.current = kid;
    const oldest = this.kidAt(now - this.policy.retentionMs - this.policy.rotationMs);
    for (const k of this.keys.keys()) if (k < oldest) this.keys.delete(k);
  }

  /** Deletes stored keys past their retention. */
  async pruneStore(): Promise<number> {
    const before = this.clock.now() - this.policy.retentionMs - this.policy.rotationMs;
    return this.store.deleteServerKeysCreatedBefore('franking', before);
  }

  /** A key held in memory, for report verification (see `verificationKey` for any stored one). */
  keyFor(kid: string): Uint8Array | undefined {
    return this.keys.get(Number(kid));
  }

  /** The key of any kid still in the store (older ones too, after a restart), or undefined. */
  async verificationKey(kid: number): Promise<Uint8Array | undefined> {
    const held = this.keys.get(kid);
    if (held) return held;
    const hex = await this.store.getServerKey('franking', kid);
    return hex ? Uint8Array.from(Buffer.from(hex, 'hex')) : undefined;
  }

  /** Same bytes and result as crypto's computeFrankingTag (a test checks), with node's native HMAC. */
  tag(cf: string, sender_user: string, recipient_user: string, msg_id: string, ts: number): string {
    const kid = this.kid;
    const input = frankingTagInputBuffer(String(kid), cf, sender_user, recipient_user, msg_id, ts);
    return createHmac('sha256', this.keys.get(kid)!).update(input).digest('base64');
  }

  private kidAt(ms: number): number {
    const hours = this.policy.rotationMs / HOUR;
    return Math.floor(ms / this.policy.rotationMs) * hours;
  }
}
