import { OmeChatError } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { RelayLimits } from './relay-limits.js';

const MAX_BUCKETS = 200_000;

/**
 * Per-client token bucket for message.send (MESSAGES_PER_SECOND, MESSAGE_BURST), in process
 * memory: a client has one connection at a time, on one node.
 */
export class SendTokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: Pick<RelayLimits, 'messagesPerSecond' | 'messageBurst'>,
  ) {}

  /** Takes one token, or throws RATE_LIMITED with the seconds until one is back. */
  take(client_hash: string): void {
    const now = this.clock.now();
    const b = this.buckets.get(client_hash) ?? { tokens: this.limits.messageBurst, at: now };
    b.tokens = Math.min(
      this.limits.messageBurst,
      b.tokens + ((now - b.at) / 1000) * this.limits.messagesPerSecond,
    );
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(client_hash, b);
      throw new OmeChatError('RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.limits.messagesPerSecond)),
      });
    }
    b.tokens -= 1;
    this.buckets.set(client_hash, b);
    if (this.buckets.size > MAX_BUCKETS) this.prune(now);
  }

  /** Forgets buckets that have refilled completely (they hold no information). */
  prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limits.messagesPerSecond >= this.limits.messageBurst)
        this.buckets.delete(k);
    }
  }
}
