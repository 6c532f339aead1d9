import { OmeChatError } from '@omechat/protocol';
import type { LiveOutcome } from './inflight-envelope.js';
import type { LiveSettlement } from './live-ack-gate.js';

/**
 * Adds up what became of a message's copies (local or on other nodes) for its `message.ack`:
 * resolves once every copy has an outcome, or rejects with SERVICE_BUSY if one could not be stored.
 */
export class SettlementTally {
  private readonly result: LiveSettlement = { delivered: 0, partnerDelivered: 0, parked: 0 };
  private failed = false;

  constructor(
    private left: number,
    private readonly resolve: (r: LiveSettlement) => void,
    private readonly reject: (e: OmeChatError) => void,
  ) {}

  /** Records one copy's outcome; true when it was the last one (the promise is settled then). */
  add(outcome: LiveOutcome, toPartner: boolean): boolean {
    if (outcome === 'acked') {
      this.result.delivered++;
      if (toPartner) this.result.partnerDelivered++;
    } else if (outcome === 'parked') this.result.parked++;
    else if (outcome === 'failed') this.failed = true;
    if (--this.left > 0) return false;
    if (this.failed)
      this.reject(new OmeChatError('SERVICE_BUSY', { message: 'A copy could not be stored; send again.' }));
    else this.resolve(this.result);
    return true;
  }
}
