import type { Connection } from '../../ports/connection.js';
import {
  heldBytes,
  toEnvelopeFrame,
  type InflightEnvelope,
  type SendableEnvelope,
} from './inflight-envelope.js';
import type { RelayLimits } from './relay-limits.js';

const NOTHING_INFLIGHT: ReadonlyMap<string, InflightEnvelope> = new Map();

/**
 * Delivery state of one connected recipient client. Live delivery owns `live` and `inflight`,
 * parking holds live pushes back while it appends (`holdForAppend`), the drain owns the rest.
 */
export class Delivery {
  /** live: new envelopes are pushed directly; syncing: they go through the store to keep order. */
  live = false;
  /** Appends for this client under way: until they land, new envelopes queue behind them. */
  pendingAppends = 0;
  /** The highest store id sent on this connection (the drain's cursor). */
  lastSentId = 0;
  /**
   * Store ids of live copies parked while on this connection: the drain does not send them again.
   * Made on first use, like `unacked`: most connections never need them (memory per idle socket).
   */
  private parked: Set<string> | null = null;
  /** Sent but not yet acknowledged, by wire id (changed only through send/take/replace/clear). */
  private unacked: Map<string, InflightEnvelope> | null = null;
  /** Ciphertext bytes held by `inflight`. */
  inflightBytes = 0;
  draining = false;
  /** Something was stored while a drain ran: it reads once more before going live. */
  again = false;
  /** `sync.done` was sent. */
  synced = false;
  congestedSince: number | null = null;
  closed = false;

  constructor(
    readonly conn: Connection,
    private readonly limits: Pick<
      RelayLimits,
      'highWaterBytes' | 'lowWaterBytes' | 'maxInflight' | 'maxInflightBytes'
    >,
  ) {}

  get inflight(): ReadonlyMap<string, InflightEnvelope> {
    return this.unacked ?? NOTHING_INFLIGHT;
  }

  /** A live copy on this connection was parked under this store id. */
  markParked(storeId: string): void {
    (this.parked ??= new Set()).add(storeId);
  }

  /** Whether this store id is a live copy parked on this connection (forgotten once asked). */
  takeParked(storeId: string): boolean {
    return this.parked?.delete(storeId) ?? false;
  }

  get client_hash(): string {
    return this.conn.client_hash;
  }

  /** Too many unacknowledged envelopes, or too many of their bytes held for this connection. */
  private overUnacked(): boolean {
    return (
      (this.unacked?.size ?? 0) >= this.limits.maxInflight ||
      this.inflightBytes >= this.limits.maxInflightBytes
    );
  }

  /** Over the high-water mark of buffered bytes, or too much unacknowledged. */
  congested(): boolean {
    return this.conn.bufferedBytes() > this.limits.highWaterBytes || this.overUnacked();
  }

  /** Hysteresis: once congested, a connection stays so until below the low-water mark. */
  stillCongested(): boolean {
    return this.overUnacked() || this.conn.bufferedBytes() > this.limits.lowWaterBytes;
  }

  send(e: SendableEnvelope): void {
    this.replace(e.id, e);
    this.conn.send(toEnvelopeFrame(e));
  }

  /** Sets (or swaps) the entry under a wire id, keeping the byte count. */
  replace(id: string, e: InflightEnvelope): void {
    const unacked = (this.unacked ??= new Map());
    const old = unacked.get(id);
    if (old) this.inflightBytes -= heldBytes(old);
    unacked.set(id, e);
    this.inflightBytes += heldBytes(e);
  }

  /** Removes and returns the entry under a wire id (acknowledged). */
  take(id: string): InflightEnvelope | undefined {
    const e = this.unacked?.get(id);
    if (!e) return undefined;
    this.unacked!.delete(id);
    this.inflightBytes -= heldBytes(e);
    return e;
  }

  clearInflight(): void {
    this.unacked = null;
    this.inflightBytes = 0;
  }

  /** An append for this client starts: keep order, later envelopes must queue behind it. */
  holdForAppend(): void {
    this.pendingAppends++;
    this.live = false;
  }

  appendDone(): void {
    this.pendingAppends--;
  }
}
