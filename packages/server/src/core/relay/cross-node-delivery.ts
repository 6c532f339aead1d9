import { OmeChatError } from '@omechat/protocol';
import type { BusMessage, CopyOutcome } from '../../ports/bus.js';
import type { NewEnvelope } from '../../ports/store.js';
import type { EnvelopeParking } from './envelope-parking.js';
import type { LiveAckGate, LiveSettlement } from './live-ack-gate.js';
import type { LiveDelivery } from './live-delivery.js';
import { SettlementTally } from './settlement-tally.js';

export interface CrossNodeDeliveryDeps {
  nodeId: string;
  now: () => number;
  /** The other live nodes where these clients are connected (`Bus.locate`: a round trip). */
  locate(client_hashes: readonly string[]): Promise<Map<string, string>>;
  /** Publishes to one node; resolves with how many nodes it reached (0: the node is gone). */
  sendToNode(node: string, message: BusMessage): Promise<number>;
  deliveries: Pick<LiveDelivery, 'tryPush'>;
  gate: Pick<LiveAckGate, 'settle'>;
  parking: Pick<EnvelopeParking, 'store'>;
  /** LIVE_ACK_DEADLINE_MS: the recipient's node parks a copy its device did not acknowledge by then. */
  deadlineMs: number;
  /** How much longer the sender's node waits for a settlement before it stores the copy itself. */
  backstopMarginMs: number;
  /** Copies this node may have out on other nodes at once (SERVICE_BUSY beyond). */
  maxOutstanding: number;
  /**
   * How long copies (`liveMs`) and answers (`settleMs`) to one node wait to go out together. Every
   * bus message costs a Redis round trip and wake-ups on two nodes: batching is what keeps a
   * cross-node envelope close to a local one in CPU. Copies wait less (they are the delivery
   * latency); answers only delay the sender's `message.ack`.
   */
  batch: { liveMs: number; settleMs: number };
}

/**
 * How long a client's location is reused without news of it. A stale one loses nothing: a node
 * that no longer holds the client stores the copy (and tells the node that does), and a dead
 * node's channel has no listener. A copy acknowledged through a node confirms the location again,
 * so a live conversation asks Redis where its partner is only when that changes.
 */
const LOCATION_MS = 2000;
const MAX_LOCATIONS = 100_000;
/** Items in one bus message at most (a full batch goes at once). */
const MAX_BATCH = 200;

interface Outstanding {
  envelope: NewEnvelope;
  node: string;
  timer: ReturnType<typeof setTimeout>;
  done: (outcome: CopyOutcome) => void;
}

/** A copy for a client connected on another node. */
export interface RemoteCopy {
  envelope: NewEnvelope;
  node: string;
  toPartner: boolean;
}

/**
 * Live delivery across nodes, keeping design (b) of docs/protocol.md "Delivery guarantees": a copy
 * for a client connected on another node travels on the Bus (`envelopes.live`), not through the
 * store. The recipient's node pushes it live when it can (and parks it at its own deadline or when
 * the connection closes, as a local copy) or stores it, and answers `envelopes.settled`. The bus is
 * at most once and nodes die, so the sender's node keeps every copy until it is settled; with no
 * answer by deadline + margin it stores the copy itself (a possible second copy: clients drop
 * duplicates by msg_id). The sender's `message.ack` waits for all of it.
 */
export class CrossNodeDelivery {
  private seq = 0;
  private readonly outstanding = new Map<number, Outstanding>();
  /** client -> its node ('' for none here or elsewhere) and when that was last known. */
  private readonly locations = new Map<string, { node: string; at: number }>();
  /** Copies to send, and answers to give, per node. */
  private readonly outbox: NodeBatches<{ seq: number; envelope: NewEnvelope }>;
  private readonly answers: NodeBatches<{ seq: number; outcome: CopyOutcome }>;

  constructor(private readonly deps: CrossNodeDeliveryDeps) {
    this.outbox = new NodeBatches(deps.batch.liveMs, (node, items) => this.sendCopies(node, items));
    this.answers = new NodeBatches(deps.batch.settleMs, (node, items) => {
      void deps.sendToNode(node, { t: 'envelopes.settled', items }).catch(() => 0);
    });
  }

  /**
   * The other nodes where these clients are connected, from what this node knows (synchronous, the
   * usual case) or from Redis.
   */
  locate(client_hashes: readonly string[]): Map<string, string> | Promise<Map<string, string>> {
    const now = this.deps.now();
    const at = new Map<string, string>();
    const ask: string[] = [];
    for (const c of client_hashes) {
      const hit = this.locations.get(c);
      if (hit && now - hit.at < LOCATION_MS) {
        if (hit.node) at.set(c, hit.node);
      } else ask.push(c);
    }
    return ask.length === 0 ? at : this.ask(ask, at, now);
  }

  private async ask(clients: string[], at: Map<string, string>, now: number): Promise<Map<string, string>> {
    const found = await this.deps.locate(clients);
    if (this.locations.size + clients.length > MAX_LOCATIONS) this.locations.clear();
    for (const c of clients) {
      const node = found.get(c) ?? '';
      this.locations.set(c, { node, at: now });
      if (node) at.set(c, node);
    }
    return at;
  }

  /** SERVICE_BUSY when `n` more copies would take this node over its bound (checked before sending). */
  assertRoom(n: number): void {
    if (this.outstanding.size + n > this.deps.maxOutstanding)
      throw new OmeChatError('SERVICE_BUSY', { message: 'Too many messages in flight; send again.' });
  }

  /** Sends the copies to their nodes; resolves as `LiveAckGate.settle` does for local ones. */
  relay(copies: readonly RemoteCopy[]): Promise<LiveSettlement> {
    if (copies.length === 0) return Promise.resolve({ delivered: 0, partnerDelivered: 0, parked: 0 });
    return new Promise((resolve, reject) => {
      const tally = new SettlementTally(copies.length, resolve, reject);
      for (const c of copies) {
        const seq = ++this.seq;
        const done = (outcome: CopyOutcome) => void tally.add(outcome, c.toPartner);
        const timer = setTimeout(
          () => void this.backstop(seq),
          this.deps.deadlineMs + this.deps.backstopMarginMs,
        );
        this.outstanding.set(seq, { envelope: c.envelope, node: c.node, timer, done });
        this.outbox.add(c.node, { seq, envelope: c.envelope });
      }
    });
  }

  /** Another node answered for copies this node sent. Late answers (after the backstop) are ignored. */
  settled(items: readonly { seq: number; outcome: CopyOutcome }[]): void {
    for (const { seq, outcome } of items) {
      const o = this.outstanding.get(seq);
      if (!o) continue;
      this.outstanding.delete(seq);
      clearTimeout(o.timer);
      const client = o.envelope.recipient_client;
      // Pushed there and acknowledged: the client is still there. Anything else: ask again.
      if (outcome === 'acked') this.locations.set(client, { node: o.node, at: this.deps.now() });
      else this.locations.delete(client);
      o.done(outcome);
    }
  }

  /** Copies another node sent for clients connected here: pushed live, or stored; answered. */
  received(origin: string, items: readonly { seq: number; envelope: NewEnvelope }[]): void {
    const toStore: { seq: number; envelope: NewEnvelope }[] = [];
    for (const item of items) {
      const live = this.deps.deliveries.tryPush(item.envelope);
      if (!live) {
        toStore.push(item);
        continue;
      }
      // The same deadline and parking as a local copy; the answer goes back to the sender's node.
      this.deps.gate.settle([{ ...live, toPartner: false }]).then(
        (r) => this.answer(origin, item.seq, r.delivered > 0 ? 'acked' : r.parked > 0 ? 'parked' : 'dropped'),
        () => this.answer(origin, item.seq, 'failed'),
      );
    }
    if (toStore.length === 0) return;
    // Not live here (syncing, congested, or gone): through the store, in order, like a local copy.
    this.deps.parking.store(toStore.map((i) => i.envelope)).then(
      () => {
        for (const i of toStore) this.answer(origin, i.seq, 'parked');
      },
      () => {
        for (const i of toStore) this.answer(origin, i.seq, 'failed');
      },
    );
  }

  /** No answer in time (the recipient's node died, or a bus message was lost): store it here. */
  private async backstop(seq: number): Promise<void> {
    const o = this.outstanding.get(seq);
    if (!o) return;
    this.outstanding.delete(seq);
    clearTimeout(o.timer);
    this.locations.delete(o.envelope.recipient_client);
    try {
      await this.deps.parking.store([o.envelope]);
      o.done('parked');
    } catch {
      o.done('failed');
    }
  }

  private answer(origin: string, seq: number, outcome: CopyOutcome): void {
    this.answers.add(origin, { seq, outcome });
  }

  private sendCopies(node: string, items: { seq: number; envelope: NewEnvelope }[]): void {
    this.deps.sendToNode(node, { t: 'envelopes.live', origin: this.deps.nodeId, items }).then(
      // Nobody listens on that node's channel: it is gone, store at once rather than wait.
      (reached) => {
        if (reached === 0) for (const i of items) void this.backstop(i.seq);
      },
      () => {
        for (const i of items) void this.backstop(i.seq);
      },
    );
  }

  /**
   * Shutting down (after this node's connections were parked): what is still out on other nodes is
   * stored here, and the answers for other nodes' copies go out now.
   */
  async close(): Promise<void> {
    this.outbox.drop();
    await Promise.all([...this.outstanding.keys()].map((seq) => this.backstop(seq)));
    this.answers.flush();
  }
}

/** Items per node, sent together `windowMs` after the first one (or once there are `MAX_BATCH`). */
class NodeBatches<T> {
  private readonly byNode = new Map<string, T[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly send: (node: string, items: T[]) => void,
  ) {}

  add(node: string, item: T): void {
    let list = this.byNode.get(node);
    if (!list) this.byNode.set(node, (list = []));
    list.push(item);
    if (list.length >= MAX_BATCH) {
      this.byNode.delete(node);
      this.send(node, list);
    } else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const all = [...this.byNode];
    this.byNode.clear();
    for (const [node, items] of all) this.send(node, items);
  }

  /** Forgets what waits (its copies are stored instead). */
  drop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.byNode.clear();
  }
}
