import { OmeChatError } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { RateLimitHit, RateLimiter } from '../../ports/rate-limiter.js';
import type { Probation } from '../accounts/probation.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MAX_COOLDOWNS = 100_000;

/** MLBS behaviour layer: per-account limits (config: docs/operations.md). */
export interface BehaviourPolicy {
  skipsPerHour: number;
  probationSkipsPerHour: number;
  /** This many nexts within `rapidNextWindowMs` earn a cooldown of `nextCooldownMs`. */
  rapidNexts: number;
  rapidNextWindowMs: number;
  nextCooldownMs: number;
  messagesPerMinute: number;
  probationMessagesPerMinute: number;
  invitationsPerHour: number;
  browsesPerMinute: number;
}

function refuseOver(r: RateLimitHit): void {
  if (!r.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: r.retryAfterSeconds });
}

/**
 * Per-account limits on skips ("next"), messages, invitations and browsing, each refused with a
 * typed error carrying `retry_after`. Rapid skipping earns a cooldown: the next that reaches
 * `rapidNexts` within the window still ends its chat, but the user is not queued again until the
 * cooldown ends (NEXT_COOLDOWN, and a `cooldown` notice on every socket of the user). Counters use
 * the RateLimiter port; cooldowns are kept per node in memory.
 */
export class BehaviourLimits {
  private readonly cooldowns = new Map<string, number>();

  constructor(
    private readonly deps: {
      limiter: RateLimiter;
      /**
       * Counts messages (the hot limit: one hit per message.send); default `limiter`. With several
       * nodes, one that counts locally and syncs in batches (docs/operations.md).
       */
      messageLimiter?: RateLimiter;
      clock: Clock;
      policy: BehaviourPolicy;
      probation?: Pick<Probation, 'isOnProbation'> & Partial<Pick<Probation, 'knownOnProbation'>>;
      /** Tells the user's sockets about a cooldown they just earned. */
      notifyCooldown?: (user_hash: string, until: number) => void;
    },
  ) {}

  get policy(): BehaviourPolicy {
    return this.deps.policy;
  }

  /** Throws NEXT_COOLDOWN while the user's skip cooldown lasts. */
  assertNoCooldown(user_hash: string): void {
    const until = this.cooldowns.get(user_hash);
    if (until === undefined) return;
    const left = until - this.deps.clock.now();
    if (left <= 0) {
      this.cooldowns.delete(user_hash);
      return;
    }
    throw new OmeChatError('NEXT_COOLDOWN', { retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) });
  }

  /** Before a next ends a chat: the hourly skip limit (lower on probation), and any cooldown. */
  async admitSkip(user_hash: string): Promise<void> {
    this.assertNoCooldown(user_hash);
    const p = this.deps.policy;
    const probation = (await this.deps.probation?.isOnProbation(user_hash)) ?? false;
    await this.hit(`skips:${user_hash}`, probation ? p.probationSkipsPerHour : p.skipsPerHour, HOUR);
  }

  /** After a next ended a chat: counts it; rapid skipping starts a cooldown (and says so). */
  async countedSkip(user_hash: string): Promise<void> {
    const p = this.deps.policy;
    const r = await this.deps.limiter.hit(`nexts:${user_hash}`, p.rapidNexts - 1, p.rapidNextWindowMs);
    if (r.allowed) return;
    await this.deps.limiter.reset(`nexts:${user_hash}`);
    const until = this.deps.clock.now() + p.nextCooldownMs;
    if (this.cooldowns.size >= MAX_COOLDOWNS) this.sweep();
    this.cooldowns.set(user_hash, until);
    this.deps.notifyCooldown?.(user_hash, until);
    this.assertNoCooldown(user_hash);
  }

  /**
   * Counts one message of the account; throws (or rejects with) RATE_LIMITED over its limit. Returns
   * no promise when it could decide at once (an in-memory limiter and a cached probation answer),
   * the usual case on one node: the relay then spends no microtask on it.
   */
  admitMessage(user_hash: string): void | Promise<void> {
    const { probation, policy: p } = this.deps;
    const counter = this.deps.messageLimiter ?? this.deps.limiter;
    const on = probation ? probation.knownOnProbation?.(user_hash) : false;
    if (on === undefined || !counter.hitSync) return this.admitMessageLater(user_hash);
    const limit = on ? p.probationMessagesPerMinute : p.messagesPerMinute;
    refuseOver(counter.hitSync(`msgs:${user_hash}`, limit, MINUTE));
  }

  private async admitMessageLater(user_hash: string): Promise<void> {
    const p = this.deps.policy;
    const probation = (await this.deps.probation?.isOnProbation(user_hash)) ?? false;
    const limit = probation ? p.probationMessagesPerMinute : p.messagesPerMinute;
    const r = await (this.deps.messageLimiter ?? this.deps.limiter).hit(`msgs:${user_hash}`, limit, MINUTE);
    if (!r.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: r.retryAfterSeconds });
  }

  async admitInvitation(user_hash: string): Promise<void> {
    await this.hit(`invites:${user_hash}`, this.deps.policy.invitationsPerHour, HOUR);
  }

  async admitBrowse(user_hash: string): Promise<void> {
    await this.hit(`browse:${user_hash}`, this.deps.policy.browsesPerMinute, MINUTE);
  }

  private async hit(key: string, limit: number, windowMs: number): Promise<void> {
    refuseOver(await this.deps.limiter.hit(key, limit, windowMs));
  }

  private sweep(): void {
    const now = this.deps.clock.now();
    for (const [k, until] of this.cooldowns) if (until <= now) this.cooldowns.delete(k);
    if (this.cooldowns.size >= MAX_COOLDOWNS) this.cooldowns.clear();
  }
}
