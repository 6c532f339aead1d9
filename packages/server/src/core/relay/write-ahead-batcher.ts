import type { EnvelopeRecord, EnvelopeStore } from '../../ports/store.js';
import type { Delivery } from './delivery.js';
import { parkedEnvelope, type LiveInflight } from './inflight-envelope.js';
import type { MessageBlockCache } from './message-block-cache.js';

export interface WriteAheadBatcherDeps {
  store: Pick<EnvelopeStore, 'appendEnvelopes' | 'deleteEnvelopes'>;
  cache: MessageBlockCache;
  /** How long a batch collects copies before it is written (GROUP_COMMIT_MS). */
  tickMs: number;
}

interface Pending {
  d: Delivery;
  e: LiveInflight;
  done: (err?: Error) => void;
}

/** Rows per write: PostgreSQL takes at most 65,535 parameters (11 per envelope). */
const MAX_BATCH = 1000;

/**
 * Design (a) of docs/protocol.md "Delivery guarantees" (DELIVERY_ACK=store): every live copy is
 * written to the store before its sender is acknowledged, with group commit: the copies of one
 * short tick go into one `appendEnvelopes` (one SQLite transaction, one PostgreSQL round trip).
 * The copy stays in flight as its store id, like a parked one; a copy the device acknowledged
 * while the batch was written is deleted again (acks of one frame are deleted together).
 */
export class WriteAheadBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: WriteAheadBatcherDeps) {}

  /** Resolves once the copy is durable; a closing connection's `park` leaves it to this batch. */
  write(d: Delivery, e: LiveInflight): Promise<void> {
    e.parking = true;
    return new Promise((resolve, reject) => {
      this.queue.push({ d, e, done: (err) => (err ? reject(err) : resolve()) });
      if (this.queue.length >= MAX_BATCH) this.flushSoon(0);
      else this.flushSoon(this.deps.tickMs);
    });
  }

  private flushSoon(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) this.flushSoon(this.deps.tickMs);
    if (batch.length === 0) return;
    let records: EnvelopeRecord[];
    try {
      records = await this.deps.store.appendEnvelopes(batch.map((p) => p.e.envelope));
    } catch {
      // The batch failed whole (a sender deleted meanwhile, a store error): each copy alone.
      for (const p of batch)
        await this.deps.store.appendEnvelopes([p.e.envelope]).then(
          ([r]) => this.landed(p, r!),
          () => p.done(new Error('write failed')),
        );
      return;
    }
    const acked = new Map<string, string[]>();
    batch.forEach((p, i) => {
      const r = records[i]!;
      if (this.landed(p, r) === 'acked') {
        const ids = acked.get(r.recipient_client) ?? [];
        ids.push(r.id);
        acked.set(r.recipient_client, ids);
      }
    });
    for (const [client, ids] of acked)
      await this.deps.store.deleteEnvelopes(client, ids).catch(() => undefined);
  }

  /** The copy is durable: it stays in flight as its store id, or was acknowledged meanwhile. */
  private landed(p: Pending, r: EnvelopeRecord): 'inflight' | 'acked' | 'closed' {
    const { d, e } = p;
    p.done();
    const open = !d.closed;
    if (open && d.inflight.get(e.id) !== e) return 'acked';
    if (open) {
      d.replace(e.id, parkedEnvelope(r.id, e.id));
      d.markParked(r.id);
    }
    // Pending now (for this connection or the next): a cached block must hold it.
    if (this.deps.cache.has(d.client_hash)) this.deps.cache.append(d.client_hash, r);
    return open ? 'inflight' : 'closed';
  }
}
