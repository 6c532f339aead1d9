import { OmeChatError } from '@omechat/protocol';
import type { EnvelopeStore } from '../../ports/store.js';

export interface PendingQuotaLimits {
  /** Undelivered envelopes one recipient device may hold. */
  maxEnvelopes: number;
  /** Undelivered ciphertext bytes (base64) one recipient device may hold. */
  maxBytes: number;
}

/**
 * The bound on what senders can park for one recipient device (DESIGN §10): without it a matched
 * stranger could fill a victim's backlog with gigabytes that its phone must later download.
 * Checked before anything of a message is sent, against totals the store keeps per device; a
 * message is refused whole when any device it would be stored for is full. Concurrent senders can
 * each pass the check once before their copies land, so a device may end up at most one message
 * per concurrent sender over the quota; copies that were pushed live and are parked later (no
 * acknowledgement from their device in time, or their connection closed) are not refused either:
 * they were admitted when they were sent.
 */
export class PendingQuota {
  constructor(
    private readonly store: Pick<EnvelopeStore, 'pendingUsage'>,
    readonly limits: PendingQuotaLimits,
  ) {}

  /** Throws PENDING_QUOTA_EXCEEDED when storing these copies would take a device over its quota. */
  async admit(copies: readonly { to_client: string; ciphertext: string }[]): Promise<void> {
    if (copies.length === 0) return;
    const adding = new Map<string, { envelopes: number; bytes: number }>();
    for (const c of copies) {
      const a = adding.get(c.to_client) ?? { envelopes: 0, bytes: 0 };
      a.envelopes += 1;
      a.bytes += c.ciphertext.length;
      adding.set(c.to_client, a);
    }
    const usage = await this.store.pendingUsage([...adding.keys()]);
    for (const [client, a] of adding) {
      const u = usage.get(client) ?? { envelopes: 0, bytes: 0 };
      if (u.envelopes + a.envelopes > this.limits.maxEnvelopes || u.bytes + a.bytes > this.limits.maxBytes)
        throw new OmeChatError('PENDING_QUOTA_EXCEEDED');
    }
  }
}
