import type { Connection } from '../../ports/connection.js';
import type { NewEnvelope } from '../../ports/store.js';
import { Delivery } from './delivery.js';
import { liveEnvelope, storedIdOf, type LiveInflight } from './inflight-envelope.js';
import type { RelayLimits } from './relay-limits.js';

/**
 * The connected recipient clients of this node and their `Delivery` state. Pushes an envelope
 * straight onto a connection that is live (caught up, nothing being appended for it) and not
 * congested; everything else goes through the store.
 */
export class LiveDelivery {
  private readonly byClient = new Map<string, Delivery>();
  private liveSeq = 0;

  constructor(private readonly limits: RelayLimits) {}

  /** A client authenticated: its delivery starts syncing (the drain takes it live). */
  open(conn: Connection): Delivery {
    const d = new Delivery(conn, this.limits);
    this.byClient.set(conn.client_hash, d);
    return d;
  }

  /** A connection closed: its delivery, with what is still in flight, or undefined if it was replaced. */
  close(conn: Connection): Delivery | undefined {
    const d = this.byClient.get(conn.client_hash);
    if (!d || d.conn !== conn) return undefined;
    d.closed = true;
    this.byClient.delete(conn.client_hash);
    return d;
  }

  get(client_hash: string): Delivery | undefined {
    return this.byClient.get(client_hash);
  }

  has(client_hash: string): boolean {
    return this.byClient.has(client_hash);
  }

  /** Whether a copy for this client would be pushed at once (connected, live, keeping up). */
  canPush(client_hash: string): boolean {
    const d = this.byClient.get(client_hash);
    return !!d && d.live && d.pendingAppends === 0 && !d.congested();
  }

  /** Pushes at once if the recipient is connected, live and keeping up; null when it must be stored. */
  tryPush(env: NewEnvelope): { d: Delivery; e: LiveInflight } | null {
    const d = this.byClient.get(env.recipient_client);
    if (!d || !this.canPush(env.recipient_client)) return null;
    const e = liveEnvelope(++this.liveSeq, env);
    d.send(e);
    return { d, e };
  }

  /**
   * The client acknowledged these wire ids: no longer in flight; live copies tell their sender.
   * Returns the store ids to delete (stored envelopes, parked live copies, and stored ids of an
   * earlier connection).
   */
  acknowledged(
    client_hash: string,
    wireIds: readonly string[],
  ): { d: Delivery | undefined; stored: string[] } {
    const d = this.byClient.get(client_hash);
    const stored: string[] = [];
    for (const id of wireIds) {
      const e = d?.take(id);
      if (e) {
        if (e.kind === 'live') e.settle?.('acked');
        else stored.push(e.kind === 'parked' ? e.storeId : e.envelope.id);
      } else {
        const storeId = storedIdOf(id);
        if (storeId !== null) stored.push(storeId);
      }
    }
    return { d, stored };
  }

  /** Drops what is in flight to a client that was revoked or deleted: nothing of it is parked later. */
  forget(client_hash: string): void {
    const d = this.byClient.get(client_hash);
    if (!d) return;
    for (const e of d.inflight.values()) if (e.kind === 'live') e.settle?.('dropped');
    d.clearInflight();
  }
}
