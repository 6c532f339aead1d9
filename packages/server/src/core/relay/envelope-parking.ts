import type { EnvelopeRecord, EnvelopeStore, NewEnvelope } from '../../ports/store.js';
import type { Delivery } from './delivery.js';
import { parkedEnvelope, type LiveInflight } from './inflight-envelope.js';
import type { LiveDelivery } from './live-delivery.js';
import { sizeOf, type MessageBlockCache } from './message-block-cache.js';
import type { RelayLimits } from './relay-limits.js';
import type { RelayStats } from './relay-stats.js';

export interface EnvelopeParkingDeps {
  store: EnvelopeStore;
  cache: MessageBlockCache;
  deliveries: Pick<LiveDelivery, 'get' | 'has'>;
  limits: Pick<RelayLimits, 'drainPageSize'>;
  stats: RelayStats;
  /** A connected recipient has new stored envelopes: its drain should run. */
  wake: (d: Delivery) => void;
  /**
   * Envelopes stored for clients not connected to this node (another node may hold them). When
   * set, other nodes exist: blocks of clients not connected here are not warmed (they would go
   * stale as other nodes store and delete).
   */
  elsewhere?: { clustered(): boolean; stored(records: EnvelopeRecord[]): void };
}

const MAX_UNCACHEABLE = 10_000;

/**
 * Puts envelopes into their recipients' message blocks: appends durably (one transaction), keeps
 * the RAM blocks in step, and warms the block of an offline recipient so its reconnect drain is
 * served from RAM. Parks what a closed connection left unacknowledged.
 */
export class EnvelopeParking {
  /** Clients whose backlog is too large to cache: appends do not read it again. */
  private readonly uncacheable = new Set<string>();

  constructor(private readonly deps: EnvelopeParkingDeps) {}

  private clustered(): boolean {
    return this.deps.elsewhere?.clustered() ?? false;
  }

  /** A client connected again: its block may be worth warming again. */
  allowWarming(client_hash: string): void {
    this.uncacheable.delete(client_hash);
  }

  /** The client's backlog is known to be large (a slow consumer): do not try to cache it. */
  skipWarming(client_hash: string): void {
    this.uncacheable.add(client_hash);
  }

  /** Appends durably (one transaction), updates the RAM blocks, and wakes connected recipients. */
  async store(envelopes: NewEnvelope[]): Promise<void> {
    const { deliveries, cache } = this.deps;
    const touched = new Set<Delivery>();
    for (const e of envelopes) {
      const d = deliveries.get(e.recipient_client);
      if (d) {
        d.holdForAppend();
        touched.add(d);
      }
    }
    let records: EnvelopeRecord[];
    try {
      records = await this.deps.store.appendEnvelopes(envelopes);
    } finally {
      for (const e of envelopes) {
        const d = deliveries.get(e.recipient_client);
        if (d && touched.has(d)) d.appendDone();
      }
    }
    const cold = new Set<string>();
    const away: EnvelopeRecord[] = [];
    for (const r of records) {
      if (!deliveries.has(r.recipient_client)) away.push(r);
      if (cache.has(r.recipient_client)) cache.append(r.recipient_client, r);
      else cold.add(r.recipient_client);
    }
    if (this.clustered()) {
      // After the commit: a node that registers the client later reads these from the store.
      if (away.length > 0) this.deps.elsewhere!.stored(away);
    } else {
      // Warm the block of offline recipients so their reconnect drain is served from RAM.
      for (const client of cold) if (!deliveries.has(client)) await this.warm(client);
    }
    for (const d of touched) this.deps.wake(d);
    // A connection that opened during the append may have read the store before this commit:
    // it goes through the store again (not live meanwhile, so order is kept).
    for (const r of records) {
      const d = deliveries.get(r.recipient_client);
      if (!d || touched.has(d)) continue;
      touched.add(d);
      d.live = false;
      this.deps.wake(d);
    }
  }

  /** A connection closed: envelopes pushed live but not acknowledged are parked in the store. */
  async park(d: Delivery): Promise<void> {
    const { cache } = this.deps;
    const client = d.client_hash;
    const inflight = [...d.inflight.values()];
    // A client that was caught up leaves exactly its unacknowledged envelopes pending: that is its
    // complete message block, kept hot for the reconnect (the seed's RAM-cached blocks). Parked live
    // copies are held as ids only, and copies being written are not in it yet: with any of them,
    // the block is read from the store instead.
    const complete = !inflight.some((e) => e.kind === 'parked' || (e.kind === 'live' && e.parking));
    if (d.live && complete && !cache.has(client) && !this.clustered()) {
      const stored: EnvelopeRecord[] = [];
      for (const e of inflight) if (e.kind === 'stored') stored.push(e.envelope);
      cache.fill(
        client,
        stored.sort((a, b) => Number(a.id) - Number(b.id)),
      );
    }
    // A live copy being parked by `parkLive` right now is left to it.
    const lives = inflight.filter((e): e is LiveInflight => e.kind === 'live' && !e.parking);
    if (lives.length === 0) return;
    this.deps.stats.parked += lives.length;
    try {
      await this.store(lives.map((e) => e.envelope));
      for (const e of lives) e.settle?.('parked');
    } catch {
      // One of them can no longer be stored (its sender deleted the account meanwhile, which
      // deletes everything it sent): park the others one by one.
      for (const e of lives)
        await this.store([e.envelope]).then(
          () => e.settle?.('parked'),
          () => e.settle?.('failed'),
        );
    }
  }

  /**
   * A live copy the device did not acknowledge in time: written to its message block so the
   * sender can be acknowledged. It stays in flight on the connection under its live wire id, as
   * its store id only (an acknowledgement of it deletes the stored row), and this connection's
   * drain skips it.
   */
  async parkLive(d: Delivery, e: LiveInflight): Promise<void> {
    if (d.closed || d.inflight.get(e.id) !== e || e.parking) return;
    e.parking = true;
    let record: EnvelopeRecord | undefined;
    try {
      [record] = await this.deps.store.appendEnvelopes([e.envelope]);
    } catch {
      e.parking = false;
      // The connection closed meanwhile and `park` skipped it: one more try, the way `park` would.
      if (d.closed)
        await this.store([e.envelope]).then(
          () => e.settle?.('parked'),
          () => e.settle?.('failed'),
        );
      else e.settle?.('failed');
      return;
    }
    this.deps.stats.parked++;
    if (!record) return e.settle?.('failed');
    const client = d.client_hash;
    if (d.inflight.get(e.id) === e && !d.closed) {
      d.replace(e.id, parkedEnvelope(record.id, e.id));
      d.markParked(record.id);
    }
    // Acknowledged while it was written: it is delivered, the row goes again.
    if (!d.inflight.has(e.id) && !d.closed) {
      await this.deps.store.deleteEnvelopes(client, [record.id]).catch(() => undefined);
      return;
    }
    if (this.deps.cache.has(client)) this.deps.cache.append(client, record);
    e.settle?.('parked');
  }

  /**
   * Reads an offline client's whole backlog into a cached block, page by page within the block's
   * byte bound; a backlog too large to cache is remembered, so appends do not read it again.
   */
  private async warm(client: string): Promise<void> {
    if (this.uncacheable.has(client)) return;
    const { store, cache, limits } = this.deps;
    const all: EnvelopeRecord[] = [];
    let bytes = 0;
    for (;;) {
      const page = await store.readEnvelopes(client, all.at(-1)?.id ?? null, limits.drainPageSize);
      all.push(...page);
      for (const e of page) bytes += sizeOf(e);
      if (bytes > cache.maxBlockBytes) {
        if (this.uncacheable.size >= MAX_UNCACHEABLE) this.uncacheable.clear();
        this.uncacheable.add(client);
        return;
      }
      if (page.length < limits.drainPageSize) break;
    }
    cache.fill(client, all);
  }
}
