import { OmeChatError, type ErrorBody, type ErrorCode, type ServerFrame } from '@omechat/protocol';
import type { Bus, BusMessage, CacheName, CopyOutcome } from '../../ports/bus.js';
import type { Connection } from '../../ports/connection.js';
import type { EnvelopeRecord, NewEnvelope } from '../../ports/store.js';
import type { ConnectionHub } from '../presence/connection-hub.js';
import { TypedEmitter } from '../typed-emitter.js';

export interface ClusterHubEvents {
  /** Another node stored envelopes for a client connected here. */
  envelopesStored: { client_hash: string; records: EnvelopeRecord[] };
  /** Another node sent live copies for clients connected here. */
  envelopesLive: { origin: string; items: { seq: number; envelope: NewEnvelope }[] };
  /** Another node answered for live copies this node sent it. */
  envelopesSettled: { items: { seq: number; outcome: CopyOutcome }[] };
  /** Another node changed what a cache of this node holds (the cache drops the key). */
  invalidated: { cache: CacheName; key: string };
}

/**
 * Everything that reaches users beyond this node's own connections (DESIGN §11): frames to a
 * user's or client's connections on any node, closing sockets anywhere, presence, and cache
 * invalidations. It does this node's part in place (so one node behaves as before) and publishes
 * the rest on the Bus; messages from other nodes are carried out on this node's ConnectionHub.
 */
export class ClusterHub {
  readonly events = new TypedEmitter<ClusterHubEvents>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly hub: ConnectionHub,
    readonly bus: Bus,
    /** Publishing failed (Redis down): logged by the composition root, the caller goes on. */
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.unsubscribe = bus.subscribe((m) => this.receive(m));
  }

  get nodeId(): string {
    return this.bus.nodeId;
  }

  /** True when other nodes may exist (caches must then not outlive a connection). */
  get clustered(): boolean {
    return this.bus.clustered;
  }

  sendToUser(user_hash: string, frame: ServerFrame, exceptClient?: string): void {
    this.hub.sendToUser(user_hash, frame, exceptClient);
    this.publish({ user: user_hash }, { t: 'user.frame', user_hash, frame, except_client: exceptClient });
  }

  sendToClient(client_hash: string, frame: ServerFrame): void {
    const conn = this.hub.client(client_hash);
    if (conn) conn.send(frame);
    else this.publish({ client: client_hash }, { t: 'client.frame', client_hash, frame });
  }

  /** Closes the client's socket wherever it is connected (revocation). */
  closeClient(client_hash: string, reason: ErrorCode | OmeChatError): void {
    const error = toError(reason);
    this.hub.client(client_hash)?.close(error);
    this.publish({ client: client_hash }, { t: 'client.close', client_hash, error: error.toBody() });
  }

  /** Closes every socket of the user on every node (account deleted, ban). */
  closeUser(user_hash: string, reason: ErrorCode | OmeChatError): void {
    const error = toError(reason);
    for (const conn of [...this.hub.user(user_hash)]) conn.close(error);
    this.publish({ user: user_hash }, { t: 'user.close', user_hash, error: error.toBody() });
  }

  /** Tells the other nodes to drop `key` from their `cache` (this node updates its own). */
  invalidate(cache: CacheName, key: string): void {
    if (this.clustered) this.publish({ all: true }, { t: 'invalidate', cache, key });
  }

  /** Envelopes were stored for clients not connected here: the nodes holding them deliver them. */
  async storedFor(records: readonly EnvelopeRecord[]): Promise<void> {
    const byClient = new Map<string, EnvelopeRecord[]>();
    for (const r of records) {
      let list = byClient.get(r.recipient_client);
      if (!list) byClient.set(r.recipient_client, (list = []));
      list.push(r);
    }
    await Promise.all(
      [...byClient].map(([client_hash, list]) =>
        this.bus.publish({ client: client_hash }, { t: 'envelopes.stored', client_hash, records: list }),
      ),
    );
  }

  /** The other live nodes where these clients are connected. */
  locate(client_hashes: readonly string[]): Promise<Map<string, string>> {
    return this.bus.locate(client_hashes);
  }

  /** Publishes to one node; resolves with how many nodes it reached (0: that node is gone). */
  sendToNode(node: string, message: BusMessage): Promise<number> {
    return this.bus.publish({ node }, message);
  }

  async isOnline(user_hash: string): Promise<boolean> {
    return this.hub.isOnline(user_hash) || (await this.bus.isOnline(user_hash));
  }

  /** Registers the connection in the shared presence; awaited before its stored envelopes are read. */
  async online(conn: Connection): Promise<void> {
    await this.bus.clientOnline(conn.user_hash, conn.client_hash);
  }

  async offline(conn: Connection): Promise<void> {
    // A newer connection of the same client on this node keeps the entry.
    if (this.hub.client(conn.client_hash)) return;
    await this.bus.clientOffline(conn.user_hash, conn.client_hash);
  }

  close(): void {
    this.unsubscribe();
  }

  private publish(target: Parameters<Bus['publish']>[0], message: BusMessage): void {
    this.bus.publish(target, message).catch((e: Error) => {
      this.onError(e);
      return 0;
    });
  }

  private receive(m: BusMessage): void {
    switch (m.t) {
      case 'user.frame':
        this.hub.sendToUser(m.user_hash, m.frame, m.except_client);
        return;
      case 'client.frame':
        this.hub.client(m.client_hash)?.send(m.frame);
        return;
      case 'client.close':
        this.hub.client(m.client_hash)?.close(fromBody(m.error));
        return;
      case 'user.close':
        for (const conn of [...this.hub.user(m.user_hash)]) conn.close(fromBody(m.error));
        return;
      case 'envelopes.stored':
        this.events.emit('envelopesStored', { client_hash: m.client_hash, records: m.records });
        return;
      case 'envelopes.live':
        this.events.emit('envelopesLive', { origin: m.origin, items: m.items });
        return;
      case 'envelopes.settled':
        this.events.emit('envelopesSettled', { items: m.items });
        return;
      case 'invalidate':
        this.events.emit('invalidated', { cache: m.cache, key: m.key });
        return;
    }
  }
}

function toError(reason: ErrorCode | OmeChatError): OmeChatError {
  return typeof reason === 'string' ? new OmeChatError(reason) : reason;
}

function fromBody(body: ErrorBody): OmeChatError {
  return new OmeChatError(body.code, {
    message: body.message,
    retryAfterSeconds: body.retry_after,
    sanction: body.sanction,
    issues: body.issues,
  });
}
