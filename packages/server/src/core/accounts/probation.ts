import { OmeChatError } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { AccountStore, TrustStore } from '../../ports/store.js';

const DAY = 86_400_000;
const CACHE_MS = 30_000;
const CACHE_MAX = 100_000;

export interface ProbationPolicy {
  /** Days since sign-up (or since the last strike a person decided). */
  days: number;
  /** Chats that ended, each lasting at least `minChatMs`, since then. */
  chats: number;
  minChatMs: number;
  /** Whether accounts on probation meet only each other in the queue. */
  separatePool: boolean;
}

/**
 * Probation (MLBS re-entry layer): a new account is on probation until it has both `days` days
 * and `chats` chats with no upheld report. While on it: queue only (no browse, no invitations),
 * lower message and skip rates, and reports against it weigh double. A strike a person decides
 * (an upheld report, a moderator's warning, restriction or ban) starts the count over. Answers are
 * cached for 30 s, since the relay asks on every message.
 */
export class Probation {
  private readonly cache = new Map<string, { on: boolean; until: number }>();

  constructor(
    private readonly deps: { store: AccountStore & TrustStore; clock: Clock; policy: ProbationPolicy },
  ) {}

  get policy(): ProbationPolicy {
    return this.deps.policy;
  }

  /** The cached answer while it is fresh, else undefined (then ask `isOnProbation`). */
  knownOnProbation(user_hash: string): boolean | undefined {
    const hit = this.cache.get(user_hash);
    return hit && hit.until > this.deps.clock.now() ? hit.on : undefined;
  }

  async isOnProbation(user_hash: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const hit = this.cache.get(user_hash);
    if (hit && hit.until > now) return hit.on;
    const on = await this.compute(user_hash, now);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(user_hash, { on, until: now + CACHE_MS });
    return on;
  }

  /** Throws ON_PROBATION for what probation does not allow (browse, invitations). */
  async assertTrusted(user_hash: string): Promise<void> {
    if (await this.isOnProbation(user_hash)) throw new OmeChatError('ON_PROBATION');
  }

  /** A chat of this user ended after lasting `durationMs`. */
  async chatEnded(user_hash: string, durationMs: number): Promise<void> {
    if (durationMs < this.deps.policy.minChatMs) return;
    await this.deps.store.addTrustedChat(user_hash);
    this.cache.delete(user_hash);
  }

  /** A person upheld a report or decided a strike against this user: probation starts over. */
  async restart(user_hash: string): Promise<void> {
    await this.deps.store.resetTrust(user_hash, this.deps.clock.now());
    this.cache.delete(user_hash);
  }

  private async compute(user_hash: string, now: number): Promise<boolean> {
    const { days, chats } = this.deps.policy;
    const trust = await this.deps.store.getTrust(user_hash);
    let since = trust?.since;
    if (since === undefined) {
      const user = await this.deps.store.getUser(user_hash);
      if (!user) return true;
      since = user.created_at;
    }
    return now - since < days * DAY || (trust?.chats ?? 0) < chats;
  }
}
