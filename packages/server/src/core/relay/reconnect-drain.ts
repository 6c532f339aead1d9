import type { Clock } from '../../ports/clock.js';
import type { EnvelopeRecord, EnvelopeStore } from '../../ports/store.js';
import type { Delivery } from './delivery.js';
import type { EnvelopeParking } from './envelope-parking.js';
import { storedEnvelope } from './inflight-envelope.js';
import type { MessageBlockCache } from './message-block-cache.js';
import type { RelayLimits } from './relay-limits.js';

export interface ReconnectDrainDeps {
  store: EnvelopeStore;
  cache: MessageBlockCache;
  clock: Clock;
  limits: Pick<RelayLimits, 'drainPageSize' | 'slowConsumerGraceMs'>;
  parking: Pick<EnvelopeParking, 'skipWarming'>;
  sleep: (ms: number) => Promise<void>;
}

const BACK_PRESSURE_POLL_MS = 25;

/**
 * Sends a connected client what is stored for it, in store order, from its RAM block when cached,
 * pausing under back-pressure and closing a consumer that stays congested too long; once caught up
 * it takes the delivery live (and tells the client `sync.done` the first time).
 */
export class ReconnectDrain {
  constructor(private readonly deps: ReconnectDrainDeps) {}

  /** Starts a drain; if the store fails underneath, the client reconnects and the drain starts over. */
  kick(d: Delivery): void {
    this.drain(d).catch(() => {
      if (!d.closed) d.conn.close('INTERNAL');
    });
  }

  /** Sends stored envelopes after lastSentId in order, pausing under back-pressure, then goes live. */
  private async drain(d: Delivery): Promise<void> {
    if (d.draining) {
      d.again = true;
      return;
    }
    const { clock, limits } = this.deps;
    d.draining = true;
    try {
      for (;;) {
        d.again = false;
        const page = await this.nextPage(d);
        for (const e of page) {
          if (d.congested()) {
            d.congestedSince ??= clock.now();
            while (d.stillCongested()) {
              if (d.closed) return;
              if (clock.now() - d.congestedSince > limits.slowConsumerGraceMs) {
                // Its backlog is large by definition: do not try to warm a block for it.
                this.deps.parking.skipWarming(d.client_hash);
                d.conn.close('SLOW_CONSUMER');
                return;
              }
              await this.deps.sleep(BACK_PRESSURE_POLL_MS);
            }
          }
          if (d.closed) return;
          d.congestedSince = null;
          const id = Number(e.id);
          if (id <= d.lastSentId) continue;
          d.lastSentId = id;
          // A live copy parked while on this connection: the client has it already.
          if (d.takeParked(e.id)) continue;
          d.send(storedEnvelope(e));
        }
        if (d.closed) return;
        if (page.length === 0 && !d.again && d.pendingAppends === 0) {
          d.live = true;
          if (!d.synced) {
            d.synced = true;
            d.conn.send({ type: 'sync.done', pending: d.inflight.size });
          }
          return;
        }
      }
    } finally {
      d.draining = false;
    }
  }

  private async nextPage(d: Delivery): Promise<readonly EnvelopeRecord[]> {
    const { store, cache, limits } = this.deps;
    const client = d.client_hash;
    const block = cache.get(client);
    if (block) {
      // Blocks are in id order: find the first envelope after lastSentId by bisection.
      const list = block.envelopes;
      let lo = block.start;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Number(list[mid]!.id) <= d.lastSentId) lo = mid + 1;
        else hi = mid;
      }
      return list.slice(lo, lo + limits.drainPageSize);
    }
    const page = await store.readEnvelopes(
      client,
      d.lastSentId === 0 ? null : String(d.lastSentId),
      limits.drainPageSize,
    );
    if (d.lastSentId === 0 && page.length < limits.drainPageSize) cache.fill(client, page);
    return page;
  }
}
