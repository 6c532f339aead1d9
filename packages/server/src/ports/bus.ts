import type { ErrorBody, ServerFrame } from '@omechat/protocol';
import type { EnvelopeRecord, NewEnvelope } from './store.js';

/**
 * Where a bus message goes. `node`: one node; `user`: every node where one of the user's clients is
 * connected; `client`: the node where that client is connected; `all`: every node. A message is
 * never delivered back to the node that published it: that node handles its own part in place.
 */
export type BusTarget = { node: string } | { user: string } | { client: string } | { all: true };

/** Caches another node can make stale; the key is a chat id, user hash or client hash. */
export type CacheName = 'chat' | 'clients' | 'block' | 'blocked-pair';

/** Everything nodes tell each other (DESIGN §11). Plain JSON: it crosses Redis. */
export type BusMessage =
  /** Frames for a user's connected clients (typing, read, presence, chat.ended, match.found, …). */
  | { t: 'user.frame'; user_hash: string; frame: ServerFrame; except_client?: string }
  | { t: 'client.frame'; client_hash: string; frame: ServerFrame }
  /** Close a client's socket (revocation) or all of a user's (account deleted, ban). */
  | { t: 'client.close'; client_hash: string; error: ErrorBody }
  | { t: 'user.close'; user_hash: string; error: ErrorBody }
  /** Envelopes stored for a client connected on the receiving node: deliver them (in store order). */
  | { t: 'envelopes.stored'; client_hash: string; records: EnvelopeRecord[] }
  /**
   * Live copies for clients connected on the receiving node (not stored anywhere yet): push them
   * or store them, then answer `envelopes.settled` to `origin`. `seq` is the origin's copy id.
   */
  | { t: 'envelopes.live'; origin: string; items: { seq: number; envelope: NewEnvelope }[] }
  /** What became of live copies another node sent here (acked by the device, parked, …). */
  | { t: 'envelopes.settled'; items: { seq: number; outcome: CopyOutcome }[] }
  | { t: 'invalidate'; cache: CacheName; key: string };

/** How a copy sent live to another node ended: its sender's `message.ack` waits for it. */
export type CopyOutcome = 'acked' | 'parked' | 'dropped' | 'failed';

export type BusHandler = (message: BusMessage) => void;

/**
 * The port between nodes. `LocalBus` (one process) and `RedisBus` (many nodes) implement it; the
 * core only publishes and subscribes. Presence (client -> node) lives here too, because routing to
 * a user or a client needs it: a node that stops heart-beating is dead and its clients are offline.
 */
export interface Bus {
  readonly nodeId: string;
  /**
   * Delivery is at most once and in publish order per target node; it never loops back. Resolves
   * with how many nodes it reached as far as the bus knows (a dead node's channel has no listener).
   */
  publish(target: BusTarget, message: BusMessage): Promise<number>;
  /**
   * The live nodes other than this one where these clients are connected (clients connected
   * nowhere else are left out). One round trip.
   */
  locate(client_hashes: readonly string[]): Promise<Map<string, string>>;
  subscribe(handler: BusHandler): () => void;
  /** This node holds a connection of the client (awaited before its stored envelopes are read). */
  clientOnline(user_hash: string, client_hash: string): Promise<void>;
  clientOffline(user_hash: string, client_hash: string): Promise<void>;
  /** Whether any live node holds a connection of the user (this node included). */
  isOnline(user_hash: string): Promise<boolean>;
  /** True when other nodes may exist: caches must then not outlive a connection. */
  readonly clustered: boolean;
  close(): Promise<void>;
}
