import type { Delivery } from './delivery.js';
import type { EnvelopeParking } from './envelope-parking.js';
import type { LiveInflight, LiveOutcome } from './inflight-envelope.js';
import { SettlementTally } from './settlement-tally.js';

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
    if (copies.length === 0) return Promise.resolve({ delivered: 0, partnerDelivered: 0, parked: 0 });
    return new Promise((resolve, reject) => {
      const tally = new SettlementTally(copies.length, resolve, reject);
      const timer = setTimeout(() => {
        for (const c of copies) void this.deps.parking.parkLive(c.d, c.e);
      }, this.deps.deadlineMs);
      for (const c of copies) {
        let done = false;
        c.e.settle = (outcome: LiveOutcome) => {
          if (done) return;
          done = true;
          if (tally.add(outcome, c.toPartner)) clearTimeout(timer);
        };
      }
    });
  }
}
