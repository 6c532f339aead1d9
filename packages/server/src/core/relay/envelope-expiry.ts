import type { Clock } from '../../ports/clock.js';
import type { EnvelopeStore } from '../../ports/store.js';
import type { MessageBlockCache } from './message-block-cache.js';

/** Deletes envelopes past their TTL (MESSAGE_TTL_DAYS); the RAM blocks no longer match and are dropped. */
export class EnvelopeExpiry {
  constructor(private readonly deps: { store: EnvelopeStore; cache: MessageBlockCache; clock: Clock }) {}

  async sweep(): Promise<number> {
    const n = await this.deps.store.deleteExpiredEnvelopes(this.deps.clock.now());
    if (n > 0) this.deps.cache.clear();
    return n;
  }
}
