import { OmeChatError } from '@omechat/protocol';
import type { Delivery } from './delivery.js';
import type { EnvelopeParking } from './envelope-parking.js';
import type { LiveInflight, LiveOutcome } from './inflight-envelope.js';

/** A copy pushed live, whose device has not acknowledged it yet. */
export interface PushedCopy {
  d: Delivery;
  e: LiveInflight;
  toPartner: boolean;
}

/** What became of a message's live copies, for its `message.ack`. */
export interface LiveSettlement {
  delivered: number;
  partnerDelivered: number;
  parked: number;
}

export interface LiveAckGateDeps {
  parking: Pick<EnvelopeParking, 'parkLive'>;
  /** How long a device has to acknowledge a live copy before it is parked (LIVE_ACK_DEADLINE_MS). */
  deadlineMs: number;
}

/**
 * Design (b) of docs/protocol.md "Delivery guarantees": a live copy exists only in memory, so the
 * sender's `message.ack` waits until every live copy is either acknowledged by its device or
 * written to the store (at the deadline, or when its connection closes). A crash before that
 * leaves the message unacknowledged in the sender's outbox, which sends it again.
 */
export class LiveAckGate {
  constructor(private readonly deps: LiveAckGateDeps) {}

  /** Resolves once every copy is acknowledged, parked or dropped; SERVICE_BUSY if one could not be parked. */
  settle(copies: readonly PushedCopy[]): Promise<LiveSettlement> {
    const result: LiveSettlement = { delivered: 0, partnerDelivered: 0, parked: 0 };
    if (copies.length === 0) return Promise.resolve(result);
    return new Promise((resolve, reject) => {
      let left = copies.length;
      let failed = false;
      const timer = setTimeout(() => {
        for (const c of copies) void this.deps.parking.parkLive(c.d, c.e);
      }, this.deps.deadlineMs);
      for (const c of copies) {
        let done = false;
        c.e.settle = (outcome: LiveOutcome) => {
          if (done) return;
          done = true;
          if (outcome === 'acked') {
            result.delivered++;
            if (c.toPartner) result.partnerDelivered++;
          } else if (outcome === 'parked') result.parked++;
          else if (outcome === 'failed') failed = true;
          if (--left > 0) return;
          clearTimeout(timer);
          if (failed)
            reject(new OmeChatError('SERVICE_BUSY', { message: 'A copy could not be stored; send again.' }));
          else resolve(result);
        };
      }
    });
  }
}
