import {
  OmeChatError,
  type ClientFrameOf,
  type DeliveredEnvelope,
  type ServerFrameOf,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { Connection } from '../../ports/connection.js';
import type { EnvelopeRecord, EnvelopeStore, NewEnvelope } from '../../ports/store.js';
import type { Principal } from '../accounts/account-service.js';
import type { ClientDirectory } from '../accounts/client-directory.js';
import type { ChatService } from '../chats/chat-service.js';
import type { FrankingTagger } from './franking-tagger.js';
import { MessageBlockCache, sizeOf } from './message-block-cache.js';
import type { PendingQuota } from './pending-quota.js';

export interface RelayLimits {
  /** Stop writing to a socket above this many buffered bytes; resume below lowWaterBytes. */
  highWaterBytes: number;
  lowWaterBytes: number;
  /** Delivered-but-unacknowledged envelopes per connection before it counts as congested. */
  maxInflight: number;
  /** How long a connection may stay congested before it is closed with SLOW_CONSUMER. */
  slowConsumerGraceMs: number;
  messagesPerSecond: number;
  messageBurst: number;
  envelopeTtlMs: number;
  drainPageSize: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  highWaterBytes: 1 << 20,
  lowWaterBytes: 256 << 10,
  maxInflight: 2000,
  slowConsumerGraceMs: 15_000,
  messagesPerSecond: 20,
  messageBurst: 60,
  envelopeTtlMs: 30 * 86_400_000,
  drainPageSize: 100,
};

/** Delivery state of one connected recipient client. */
interface Delivery {
  conn: Connection;
  /** live: new envelopes are pushed directly; syncing: they go through the store to keep order. */
  live: boolean;
  pendingAppends: number;
  lastSentId: number;
  inflight: Map<string, EnvelopeRecord>;
  draining: boolean;
  again: boolean;
  synced: boolean;
  congestedSince: number | null;
  closed: boolean;
}

export interface RelayDeps {
  store: EnvelopeStore;
  chats: ChatService;
  directory: ClientDirectory;
  tagger: FrankingTagger;
  clock: Clock;
  cache: MessageBlockCache;
  /** Bounds what may be stored for one device; checked before anything of a message is sent. */
  quota?: PendingQuota;
  limits?: Partial<RelayLimits>;
  /** Timer hooks (a test clock may drive them); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The envelope relay (DESIGN §10): checks the chat, stamps sender/time/franking tag, pushes to
 * connected recipient clients at once and stores the rest durably before acknowledging. Connected
 * clients first drain what was stored for them, in order, then switch to live delivery.
 */
export class RelayService {
  readonly limits: RelayLimits;
  private readonly deliveries = new Map<string, Delivery>();
  private tempIds = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly tooBigToCache = new Set<string>();
  private lastTs = 0;
  readonly stats = { relayed: 0, stored: 0, delivered: 0, parked: 0 };
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: RelayDeps) {
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...deps.limits };
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get cache(): MessageBlockCache {
    return this.deps.cache;
  }

  /** A client authenticated: start draining what is stored for it. */
  attach(conn: Connection): void {
    const d: Delivery = {
      conn,
      live: false,
      pendingAppends: 0,
      lastSentId: 0,
      inflight: new Map(),
      draining: false,
      again: false,
      synced: false,
      congestedSince: null,
      closed: false,
    };
    this.deliveries.set(conn.client_hash, d);
    this.tooBigToCache.delete(conn.client_hash);
    this.kick(d);
  }

  /** A connection closed: envelopes pushed live but not acknowledged are parked in the store. */
  async detach(conn: Connection): Promise<void> {
    const d = this.deliveries.get(conn.client_hash);
    if (!d || d.conn !== conn) return;
    d.closed = true;
    this.deliveries.delete(conn.client_hash);
    // A client that was caught up leaves exactly its unacknowledged envelopes pending: that is its
    // complete message block, kept hot for the reconnect (the seed's RAM-cached blocks).
    if (d.live && !this.deps.cache.has(conn.client_hash)) {
      const stored = [...d.inflight.values()].filter((e) => !e.id.startsWith('t'));
      this.deps.cache.fill(
        conn.client_hash,
        stored.sort((a, b) => Number(a.id) - Number(b.id)),
      );
    }
    const unstored = [...d.inflight.values()].filter((e) => e.id.startsWith('t'));
    if (unstored.length === 0) return;
    this.stats.parked += unstored.length;
    const rows = unstored.map(({ id: _id, ...rest }) => rest);
    try {
      await this.storeFor(rows);
    } catch {
      // One of them can no longer be stored (its sender deleted the account meanwhile, which
      // deletes everything it sent): park the others one by one.
      for (const row of rows) await this.storeFor([row]).catch(() => undefined);
    }
  }

  async send(
    principal: Principal,
    frame: ClientFrameOf<'message.send'>,
  ): Promise<ServerFrameOf<'message.ack'>> {
    this.takeToken(principal.client_hash);
    // The hot path stays synchronous when chat, ages and device lists are cached (the usual case).
    const member =
      this.deps.chats.memberIfCached(frame.chat_id, principal.user_hash) ??
      (await this.deps.chats.requireMember(frame.chat_id, principal.user_hash));
    const partner = member.partner;
    const partnerClients =
      this.deps.directory.peek(partner) ?? (await this.deps.directory.clientsOf(partner));
    const ownClients =
      this.deps.directory.peek(principal.user_hash) ??
      (await this.deps.directory.clientsOf(principal.user_hash));
    const owner = new Map<string, string>();
    for (const c of partnerClients) owner.set(c, partner);
    for (const c of ownClients) if (c !== principal.client_hash) owner.set(c, principal.user_hash);

    const seen = new Set<string>();
    for (const e of frame.envelopes) {
      if (!owner.has(e.to_client))
        throw new OmeChatError('NOT_IN_CHAT', {
          message: 'An envelope is addressed to a client outside this chat.',
        });
      if (seen.has(e.to_client))
        throw new OmeChatError('INVALID_FRAME', { message: 'Two envelopes for the same client.' });
      seen.add(e.to_client);
    }

    const parked = frame.envelopes.filter((e) => !this.canPushLive(e.to_client));
    if (parked.length > 0) await this.deps.quota?.admit(parked);

    // Strictly increasing on this node, so clients can order a chat by `ts` alone.
    const ts = (this.lastTs = Math.max(this.deps.clock.now(), this.lastTs + 1));
    const rfByUser = new Map<string, string>();
    const toStore: NewEnvelope[] = [];
    let delivered = 0;
    let partnerDelivered = 0;
    for (const e of frame.envelopes) {
      const recipientUser = owner.get(e.to_client)!;
      let rf = rfByUser.get(recipientUser);
      if (!rf) {
        rf = this.deps.tagger.tag(frame.cf, principal.user_hash, recipientUser, frame.msg_id, ts);
        rfByUser.set(recipientUser, rf);
      }
      const env: NewEnvelope = {
        recipient_client: e.to_client,
        from_user: principal.user_hash, // from the authenticated connection, never the frame
        from_client: principal.client_hash,
        chat_id: frame.chat_id,
        msg_id: frame.msg_id,
        ts,
        ciphertext: e.ciphertext,
        cf: frame.cf,
        rf,
        kid: this.deps.tagger.kid,
        expires_at: ts + this.limits.envelopeTtlMs,
      };
      if (this.tryPushLive(env)) {
        delivered++;
        if (recipientUser === partner) partnerDelivered++;
      } else toStore.push(env);
    }
    if (toStore.length > 0) await this.storeFor(toStore);
    this.stats.relayed += frame.envelopes.length;
    this.stats.delivered += delivered;
    this.stats.stored += toStore.length;
    const missing_clients = [...owner.keys()].filter((c) => !seen.has(c));
    return {
      type: 'message.ack',
      ref: frame.ref,
      msg_id: frame.msg_id,
      ts,
      stored: toStore.length,
      delivered,
      partner_delivered: partnerDelivered,
      missing_clients,
    };
  }

  /**
   * Per-client token bucket for message.send (MESSAGES_PER_SECOND, MESSAGE_BURST), in process
   * memory: a client has one connection at a time, on one node.
   */
  private takeToken(client_hash: string): void {
    const now = this.deps.clock.now();
    const b = this.buckets.get(client_hash) ?? { tokens: this.limits.messageBurst, at: now };
    b.tokens = Math.min(
      this.limits.messageBurst,
      b.tokens + ((now - b.at) / 1000) * this.limits.messagesPerSecond,
    );
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(client_hash, b);
      throw new OmeChatError('RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.limits.messagesPerSecond)),
      });
    }
    b.tokens -= 1;
    this.buckets.set(client_hash, b);
    if (this.buckets.size > 200_000) this.pruneBuckets(now);
  }

  /** Forgets buckets that have refilled completely (they hold no information). */
  private pruneBuckets(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limits.messagesPerSecond >= this.limits.messageBurst)
        this.buckets.delete(k);
    }
  }

  /** The recipient acknowledged envelopes: forget them (delete stored ones). */
  async ack(principal: Principal, ids: string[]): Promise<void> {
    const d = this.deliveries.get(principal.client_hash);
    const stored: string[] = [];
    for (const id of ids) {
      d?.inflight.delete(id);
      if (!id.startsWith('t')) stored.push(id);
    }
    if (stored.length > 0) {
      await this.deps.store.deleteEnvelopes(principal.client_hash, stored);
      this.deps.cache.remove(principal.client_hash, new Set(stored));
    }
    if (d && d.congestedSince !== null) this.kick(d);
  }

  /** Drops everything held for a client that was revoked or deleted: nothing of it is parked later. */
  forgetClient(client_hash: string): void {
    this.deps.cache.drop(client_hash);
    this.deliveries.get(client_hash)?.inflight.clear();
  }

  async sweepExpired(): Promise<number> {
    this.pruneBuckets(this.deps.clock.now());
    const n = await this.deps.store.deleteExpiredEnvelopes(this.deps.clock.now());
    if (n > 0) this.deps.cache.clear();
    return n;
  }

  private canPushLive(client: string): boolean {
    const d = this.deliveries.get(client);
    return !!d && d.live && d.pendingAppends === 0 && !this.congested(d);
  }

  private tryPushLive(env: NewEnvelope): boolean {
    const d = this.deliveries.get(env.recipient_client);
    if (!d || !this.canPushLive(env.recipient_client)) return false;
    const record: EnvelopeRecord = { ...env, id: `t${(++this.tempIds).toString(36)}` };
    d.inflight.set(record.id, record);
    d.conn.send(toFrame(record));
    return true;
  }

  /** Appends durably (one transaction), updates the RAM blocks, and wakes connected recipients. */
  private async storeFor(envelopes: NewEnvelope[]): Promise<void> {
    const touched = new Set<Delivery>();
    for (const e of envelopes) {
      const d = this.deliveries.get(e.recipient_client);
      if (d) {
        d.pendingAppends++;
        d.live = false; // keep order: later envelopes must queue behind this one
        touched.add(d);
      }
    }
    let records: EnvelopeRecord[];
    try {
      records = await this.deps.store.appendEnvelopes(envelopes);
    } finally {
      for (const e of envelopes) {
        const d = this.deliveries.get(e.recipient_client);
        if (d && touched.has(d)) d.pendingAppends--;
      }
    }
    const cold = new Set<string>();
    for (const r of records) {
      if (this.deps.cache.has(r.recipient_client)) this.deps.cache.append(r.recipient_client, r);
      else cold.add(r.recipient_client);
    }
    // Warm the block of offline recipients so their reconnect drain is served from RAM.
    for (const client of cold) if (!this.deliveries.has(client)) await this.warm(client);
    for (const d of touched) this.kick(d);
  }

  /**
   * Reads an offline client's whole backlog into a cached block, page by page within the block's
   * byte bound; a backlog too large to cache is remembered, so appends do not read it again.
   */
  private async warm(client: string): Promise<void> {
    if (this.tooBigToCache.has(client)) return;
    const all: EnvelopeRecord[] = [];
    let bytes = 0;
    for (;;) {
      const page = await this.deps.store.readEnvelopes(
        client,
        all.at(-1)?.id ?? null,
        this.limits.drainPageSize,
      );
      all.push(...page);
      for (const e of page) bytes += sizeOf(e);
      if (bytes > this.deps.cache.maxBlockBytes) {
        if (this.tooBigToCache.size >= 10_000) this.tooBigToCache.clear();
        this.tooBigToCache.add(client);
        return;
      }
      if (page.length < this.limits.drainPageSize) break;
    }
    this.deps.cache.fill(client, all);
  }

  private congested(d: Delivery): boolean {
    return d.conn.bufferedBytes() > this.limits.highWaterBytes || d.inflight.size >= this.limits.maxInflight;
  }

  /** Starts a drain; if the store fails underneath, the client reconnects and the drain starts over. */
  private kick(d: Delivery): void {
    this.drain(d).catch(() => {
      if (!d.closed) d.conn.close('INTERNAL');
    });
  }

  /** Sends stored envelopes after lastSentId in order, pausing under back-pressure, then goes live. */
  private async drain(d: Delivery): Promise<void> {
    if (d.draining) {
      d.again = true;
      return;
    }
    d.draining = true;
    try {
      for (;;) {
        d.again = false;
        const page = await this.nextPage(d);
        for (const e of page) {
          if (this.congested(d)) {
            d.congestedSince ??= this.deps.clock.now();
            // Hysteresis: once over the high-water mark, wait until below the low one.
            while (
              d.inflight.size >= this.limits.maxInflight ||
              d.conn.bufferedBytes() > this.limits.lowWaterBytes
            ) {
              if (d.closed) return;
              if (this.deps.clock.now() - d.congestedSince > this.limits.slowConsumerGraceMs) {
                // Its backlog is large by definition: do not try to warm a block for it.
                this.tooBigToCache.add(d.conn.client_hash);
                d.conn.close('SLOW_CONSUMER');
                return;
              }
              await this.sleep(25);
            }
          }
          if (d.closed) return;
          d.congestedSince = null;
          const id = Number(e.id);
          if (id <= d.lastSentId) continue;
          d.lastSentId = id;
          d.inflight.set(e.id, e);
          d.conn.send(toFrame(e));
        }
        if (d.closed) return;
        if (page.length === 0 && !d.again && d.pendingAppends === 0) {
          d.live = true;
          if (!d.synced) {
            d.synced = true;
            d.conn.send({ type: 'sync.done', pending: d.inflight.size });
          }
          return;
        }
      }
    } finally {
      d.draining = false;
    }
  }

  private async nextPage(d: Delivery): Promise<readonly EnvelopeRecord[]> {
    const client = d.conn.client_hash;
    const block = this.deps.cache.get(client);
    if (block) {
      // Blocks are in id order: find the first envelope after lastSentId by bisection.
      const list = block.envelopes;
      let lo = block.start;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Number(list[mid]!.id) <= d.lastSentId) lo = mid + 1;
        else hi = mid;
      }
      return list.slice(lo, lo + this.limits.drainPageSize);
    }
    const page = await this.deps.store.readEnvelopes(
      client,
      d.lastSentId === 0 ? null : String(d.lastSentId),
      this.limits.drainPageSize,
    );
    if (d.lastSentId === 0 && page.length < this.limits.drainPageSize) this.deps.cache.fill(client, page);
    return page;
  }
}

function toFrame(e: EnvelopeRecord): ServerFrameOf<'envelope'> {
  const env: DeliveredEnvelope = {
    id: e.id,
    chat_id: e.chat_id,
    msg_id: e.msg_id,
    from_user: e.from_user,
    from_client: e.from_client,
    ts: e.ts,
    ciphertext: e.ciphertext,
    cf: e.cf,
    rf: e.rf,
    kid: e.kid,
  };
  return { type: 'envelope', ...env };
}

export { MessageBlockCache };
