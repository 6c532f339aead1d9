import type { Connection } from '../../ports/connection.js';
import { toEnvelopeFrame, type InflightEnvelope } from './inflight-envelope.js';
import type { RelayLimits } from './relay-limits.js';

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
  /** Store ids of live copies parked while on this connection: the drain does not send them again. */
  readonly parkedLive = new Set<string>();
  /** Sent but not yet acknowledged, by wire id. */
  readonly inflight = new Map<string, InflightEnvelope>();
  draining = false;
  /** Something was stored while a drain ran: it reads once more before going live. */
  again = false;
  /** `sync.done` was sent. */
  synced = false;
  congestedSince: number | null = null;
  closed = false;

  constructor(
    readonly conn: Connection,
    private readonly limits: Pick<RelayLimits, 'highWaterBytes' | 'lowWaterBytes' | 'maxInflight'>,
  ) {}

  get client_hash(): string {
    return this.conn.client_hash;
  }

  /** Over the high-water mark of buffered bytes, or too many unacknowledged envelopes. */
  congested(): boolean {
    return (
      this.conn.bufferedBytes() > this.limits.highWaterBytes || this.inflight.size >= this.limits.maxInflight
    );
  }

  /** Hysteresis: once congested, a connection stays so until below the low-water mark. */
  stillCongested(): boolean {
    return (
      this.inflight.size >= this.limits.maxInflight || this.conn.bufferedBytes() > this.limits.lowWaterBytes
    );
  }

  send(e: InflightEnvelope): void {
    this.inflight.set(e.id, e);
    this.conn.send(toEnvelopeFrame(e));
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
