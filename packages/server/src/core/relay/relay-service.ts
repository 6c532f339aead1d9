import { OmeChatError, type ClientFrameOf, type ServerFrameOf } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { Connection } from '../../ports/connection.js';
import type { BusMessage, CopyOutcome } from '../../ports/bus.js';
import type { EnvelopeRecord, EnvelopeStore, NewEnvelope } from '../../ports/store.js';
import type { Principal } from '../accounts/account-service.js';
import type { ClientDirectory } from '../accounts/client-directory.js';
import type { ChatService } from '../chats/chat-service.js';
import { CrossNodeDelivery, type RemoteCopy } from './cross-node-delivery.js';
import { EnvelopeExpiry } from './envelope-expiry.js';
import { EnvelopeParking } from './envelope-parking.js';
import { EnvelopeRouter } from './envelope-router.js';
import type { FrankingTagger } from './franking-tagger.js';
import { LiveAckGate, type LiveSettlement, type PushedCopy } from './live-ack-gate.js';
import { LiveDelivery } from './live-delivery.js';
import { MessageBlockCache } from './message-block-cache.js';
import type { PendingQuota } from './pending-quota.js';
import { ReconnectDrain } from './reconnect-drain.js';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay-limits.js';
import { emptyRelayStats, type RelayStats } from './relay-stats.js';
import { SendTokenBucket } from './send-token-bucket.js';
import { WriteAheadBatcher } from './write-ahead-batcher.js';

export { DEFAULT_RELAY_LIMITS, MessageBlockCache, type RelayLimits, type RelayStats };

export interface RelayDeps {
  store: EnvelopeStore;
  chats: ChatService;
  directory: ClientDirectory;
  tagger: FrankingTagger;
  clock: Clock;
  cache: MessageBlockCache;
  /** Bounds what may be stored for one device; checked before anything of a message is sent. */
  quota?: PendingQuota;
  /**
   * MLBS behaviour layer: messages per account per minute (lower on probation); throws RATE_LIMITED.
   * No promise when it decided at once (in-memory limiter): no microtask spent then.
   */
  admitMessage?: (user_hash: string) => void | Promise<void>;
  limits?: Partial<RelayLimits>;
  /**
   * Other nodes (DESIGN §11): envelopes stored for clients not connected here are announced to the
   * node holding them; while clustered, a message block is trusted only during one connection.
   */
  cluster?: {
    readonly clustered: boolean;
    readonly nodeId: string;
    storedFor(records: readonly EnvelopeRecord[]): Promise<void>;
    /** The other live nodes where these clients are connected (see `Bus.locate`). */
    locate(client_hashes: readonly string[]): Promise<Map<string, string>>;
    sendToNode(node: string, message: BusMessage): Promise<number>;
  };
  /** Announcing stored envelopes to another node failed (logged by the composition root). */
  onClusterError?: (err: Error) => void;
  /** Timer hooks (a test clock may drive them); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The envelope relay (DESIGN §10): checks the chat, stamps sender/time/franking tag, pushes to
 * connected recipient clients at once and stores the rest durably; the sender's `message.ack`
 * waits until the live copies are acknowledged by their devices or parked (`LiveAckGate`). Connected
 * clients first drain what was stored for them, in order, then switch to live delivery.
 *
 * This class composes the parts: `SendTokenBucket` (rate), `EnvelopeRouter` (checks and stamps),
 * `LiveDelivery` (connections and live pushes), `EnvelopeParking` (durable appends, RAM blocks),
 * `ReconnectDrain` (stored envelopes, in order, under back-pressure), `LiveAckGate` (the sender's
 * ack waits for live copies) and `EnvelopeExpiry` (TTL).
 */
export class RelayService {
  readonly limits: RelayLimits;
  readonly stats: RelayStats = emptyRelayStats();
  private readonly bucket: SendTokenBucket;
  private readonly router: EnvelopeRouter;
  private readonly deliveries: LiveDelivery;
  private readonly parking: EnvelopeParking;
  private readonly drain: ReconnectDrain;
  private readonly expiry: EnvelopeExpiry;
  private readonly gate: LiveAckGate;
  private readonly writeAhead: WriteAheadBatcher;
  /** Live copies for clients on other nodes (undefined without a bus). */
  private readonly crossNode: CrossNodeDelivery | undefined;

  constructor(private readonly deps: RelayDeps) {
    const limits = (this.limits = { ...DEFAULT_RELAY_LIMITS, ...deps.limits });
    const { store, cache, clock } = deps;
    const stats = this.stats;
    this.bucket = new SendTokenBucket(clock, limits);
    this.router = new EnvelopeRouter({ ...deps, envelopeTtlMs: limits.envelopeTtlMs });
    this.deliveries = new LiveDelivery(limits);
    this.parking = new EnvelopeParking({
      store,
      cache,
      deliveries: this.deliveries,
      limits,
      stats,
      wake: (d) => this.drain.kick(d),
      elsewhere: deps.cluster && {
        clustered: () => deps.cluster!.clustered,
        stored: (records) =>
          void deps.cluster!.storedFor(records).catch((e: Error) => deps.onClusterError?.(e)),
      },
    });
    this.drain = new ReconnectDrain({
      store,
      cache,
      clock,
      limits,
      parking: this.parking,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    });
    this.expiry = new EnvelopeExpiry({ store, cache, clock });
    this.gate = new LiveAckGate({ parking: this.parking, deadlineMs: limits.liveAckDeadlineMs });
    this.writeAhead = new WriteAheadBatcher({ store, cache, tickMs: limits.groupCommitMs });
    const cluster = deps.cluster;
    // Built whenever there is a bus, so copies other nodes send are always answered; this node
    // sends its own only under design (b).
    this.crossNode = cluster
      ? new CrossNodeDelivery({
          nodeId: cluster.nodeId,
          now: () => clock.now(),
          locate: (clients) => cluster.locate(clients),
          sendToNode: (node, m) => cluster.sendToNode(node, m),
          deliveries: this.deliveries,
          gate: this.gate,
          parking: this.parking,
          deadlineMs: limits.liveAckDeadlineMs,
          backstopMarginMs: limits.crossNodeMarginMs,
          maxOutstanding: limits.maxCrossNodeCopies,
          batch: { liveMs: limits.crossNodeBatchMs, settleMs: limits.crossNodeSettleBatchMs },
        })
      : undefined;
  }

  get cache(): MessageBlockCache {
    return this.deps.cache;
  }

  /** A client authenticated: start draining what is stored for it. */
  attach(conn: Connection): void {
    // Other nodes may have stored or deleted envelopes of this client since its block was cached.
    if (this.deps.cluster?.clustered) this.deps.cache.drop(conn.client_hash);
    const d = this.deliveries.open(conn);
    this.parking.allowWarming(conn.client_hash);
    this.drain.kick(d);
  }

  /** A connection closed: envelopes pushed live but not acknowledged are parked in the store. */
  async detach(conn: Connection): Promise<void> {
    const d = this.deliveries.close(conn);
    if (d) await this.parking.park(d);
    if (d && this.deps.cluster?.clustered) this.deps.cache.drop(conn.client_hash);
  }

  /** Another node stored envelopes for a client: if it is connected here, deliver them in order. */
  storedElsewhere(client_hash: string, records: readonly EnvelopeRecord[]): void {
    const d = this.deliveries.get(client_hash);
    if (!d) return;
    this.deps.cache.appendInOrder(client_hash, records);
    this.drain.kick(d);
  }

  /** Another node sent live copies for clients connected here. */
  liveFromNode(origin: string, items: readonly { seq: number; envelope: NewEnvelope }[]): void {
    this.crossNode?.received(origin, items);
  }

  /** Another node answered for live copies this node sent it. */
  settledByNode(items: readonly { seq: number; outcome: CopyOutcome }[]): void {
    this.crossNode?.settled(items);
  }

  /** Shutting down: copies still out on other nodes are stored here. */
  async close(): Promise<void> {
    await this.crossNode?.close();
  }

  /** Sends a message and resolves with its `message.ack` (see `submit`). */
  async send(
    principal: Principal,
    frame: ClientFrameOf<'message.send'>,
  ): Promise<ServerFrameOf<'message.ack'>> {
    return (await this.submit(principal, frame)).ack;
  }

  /**
   * Checks, stamps and hands out a message: resolves once every copy is pushed live or stored
   * durably (so the sender's next frame is relayed after it), with `ack`, which resolves once no
   * copy exists only in memory any more: every live copy acknowledged by its device or parked.
   */
  async submit(
    principal: Principal,
    frame: ClientFrameOf<'message.send'>,
  ): Promise<{ ack: Promise<ServerFrameOf<'message.ack'>> }> {
    this.bucket.take(principal.client_hash);
    const admitted = this.deps.admitMessage?.(principal.user_hash);
    if (admitted) await admitted;
    // The hot path stays synchronous when chat, ages and device lists are cached (the usual case).
    const pending = this.router.route(principal, frame.chat_id);
    const route = pending instanceof Promise ? await pending : pending;
    const notHere = frame.envelopes.filter((e) => !this.deliveries.canPush(e.to_client));
    let elsewhere: Map<string, string> | undefined;
    if (notHere.length > 0) {
      // Clients connected on another node get a live copy through the bus, not the store.
      if (this.crossNode && this.limits.deliveryAck === 'device' && this.deps.cluster!.clustered) {
        // Bus unreachable: the store path still keeps every copy (delivered on reconnect).
        const found = this.crossNode.locate(notHere.map((e) => e.to_client));
        elsewhere = found instanceof Promise ? await found.catch(() => new Map<string, string>()) : found;
        this.crossNode.assertRoom(elsewhere.size);
      }
      const parked = elsewhere ? notHere.filter((e) => !elsewhere!.has(e.to_client)) : notHere;
      if (parked.length > 0) await this.deps.quota?.admit(parked);
    }
    const routed = this.router.stamp(principal, frame, route);
    const toStore: NewEnvelope[] = [];
    const pushed: PushedCopy[] = [];
    const remote: RemoteCopy[] = [];
    for (const { envelope, toPartner } of routed.envelopes) {
      const live = this.deliveries.tryPush(envelope);
      const node = live ? undefined : elsewhere?.get(envelope.recipient_client);
      if (live) pushed.push({ ...live, toPartner });
      else if (node !== undefined) remote.push({ envelope, node, toPartner });
      else toStore.push(envelope);
    }
    const settled =
      this.limits.deliveryAck === 'store'
        ? this.writeFirst(pushed)
        : remote.length === 0
          ? this.gate.settle(pushed)
          : bothSettled(this.gate.settle(pushed), this.crossNode!.relay(remote));
    if (toStore.length > 0) {
      try {
        await this.parking.store(toStore);
      } catch (e) {
        settled.catch(() => undefined);
        throw e;
      }
    }
    this.stats.relayed += frame.envelopes.length;
    this.stats.delivered += pushed.length + remote.length;
    this.stats.stored += toStore.length;
    const ack = settled.then((live): ServerFrameOf<'message.ack'> => ({
      type: 'message.ack',
      ref: frame.ref,
      msg_id: frame.msg_id,
      ts: routed.ts,
      stored: toStore.length + live.parked,
      delivered: live.delivered,
      partner_delivered: live.partnerDelivered,
      missing_clients: routed.missing_clients,
    }));
    return { ack };
  }

  /** Design (a): the live copies are written (group commit) before the sender's ack. */
  private async writeFirst(pushed: readonly PushedCopy[]): Promise<LiveSettlement> {
    try {
      await Promise.all(pushed.map((p) => this.writeAhead.write(p.d, p.e)));
    } catch {
      throw new OmeChatError('SERVICE_BUSY', { message: 'A copy could not be stored; send again.' });
    }
    let partnerDelivered = 0;
    for (const p of pushed) if (p.toPartner) partnerDelivered++;
    return { delivered: pushed.length, partnerDelivered, parked: 0 };
  }

  /** The recipient acknowledged envelopes: forget them (delete stored ones). */
  async ack(principal: Principal, ids: string[]): Promise<void> {
    const { d, stored } = this.deliveries.acknowledged(principal.client_hash, ids);
    if (stored.length > 0) {
      await this.deps.store.deleteEnvelopes(principal.client_hash, stored);
      this.deps.cache.remove(principal.client_hash, new Set(stored));
    }
    if (d && d.congestedSince !== null) this.drain.kick(d);
  }

  /** Drops everything held for a client that was revoked or deleted: nothing of it is parked later. */
  forgetClient(client_hash: string): void {
    this.deps.cache.drop(client_hash);
    this.deliveries.forget(client_hash);
  }

  async sweepExpired(): Promise<number> {
    this.bucket.prune(this.deps.clock.now());
    return this.expiry.sweep();
  }
}

/** Local and cross-node settlements of one message, added up (rejects if either does). */
async function bothSettled(
  local: Promise<LiveSettlement>,
  remote: Promise<LiveSettlement>,
): Promise<LiveSettlement> {
  // Both are awaited, so neither rejection goes unhandled.
  const [l, r] = await Promise.allSettled([local, remote]);
  if (l.status === 'rejected') throw l.reason;
  if (r.status === 'rejected') throw r.reason;
  return {
    delivered: l.value.delivered + r.value.delivered,
    partnerDelivered: l.value.partnerDelivered + r.value.partnerDelivered,
    parked: l.value.parked + r.value.parked,
  };
}
