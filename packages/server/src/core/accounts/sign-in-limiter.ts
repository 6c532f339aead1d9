import { OmeChatError } from '@omechat/protocol';
import type { RateLimiter } from '../../ports/rate-limiter.js';

export interface SignInLimits {
  /** Sign-in attempts from one network hash per minute, whatever the account. */
  perNetworkPerMinute: number;
  /** Attempts on one account from one network hash per 15 minutes; a success starts them over. */
  perAccountNetworkPer15Min: number;
}

/**
 * Sign-in throttling that a stranger cannot turn into a lockout of the owner (DESIGN §4, §9).
 * Secrets carry ~381 bits, so guessing is hopeless; the limits only bound the argon2 work one
 * caller can cause. Both counters are checked before any verification, so a flood is refused
 * cheaply. The per-account counter is kept per network: wrong guesses from one network slow that
 * network down on that account, never the owner signing in from elsewhere. Accounts are named by
 * their username key whether they exist or not, so the limits do not reveal which names exist.
 */
export class SignInLimiter {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: SignInLimits,
  ) {}

  /** Counts one attempt; RATE_LIMITED when this network made too many, overall or on this account. */
  async admit(username_key: string, networkHash: string): Promise<void> {
    await this.hit(`login:net:${networkHash}`, this.limits.perNetworkPerMinute, 60_000);
    await this.hit(
      this.accountKey(username_key, networkHash),
      this.limits.perAccountNetworkPer15Min,
      900_000,
    );
  }

  /** The right secret came from this network: its attempts on the account start over. */
  async succeeded(username_key: string, networkHash: string): Promise<void> {
    await this.limiter.reset(this.accountKey(username_key, networkHash));
  }

  private accountKey(username_key: string, networkHash: string): string {
    return `login:acct:${networkHash}:${username_key}`;
  }

  private async hit(key: string, limit: number, windowMs: number): Promise<void> {
    const r = await this.limiter.hit(key, limit, windowMs);
    if (!r.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: r.retryAfterSeconds });
  }
}
