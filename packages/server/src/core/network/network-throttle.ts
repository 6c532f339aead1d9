import { OmeChatError } from '@omechat/protocol';
import type { RateLimiter } from '../../ports/rate-limiter.js';

const HOUR = 3_600_000;

export interface NetworkThrottleLimits {
  challengesPerHour: number;
  reportsPerHour: number;
}

/**
 * MLBS network layer: what one network hash may ask for per hour beyond sign-ups and sign-ins
 * (core/accounts): sign-up challenges (each costs the server a key derivation) and reports.
 */
export class NetworkThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: NetworkThrottleLimits,
  ) {}

  async admit(kind: 'challenge' | 'report', networkHash: string): Promise<void> {
    const limit = kind === 'challenge' ? this.limits.challengesPerHour : this.limits.reportsPerHour;
    const r = await this.limiter.hit(`${kind}:net:${networkHash}`, limit, HOUR);
    if (!r.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: r.retryAfterSeconds });
  }
}
