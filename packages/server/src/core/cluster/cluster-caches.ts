import type { ClusterHub } from './cluster-hub.js';

export interface ClusterCachesDeps {
  cluster: Pick<ClusterHub, 'events' | 'invalidate'>;
  /** user -> client list (ClientDirectory). */
  directory: { invalidate(user_hash: string): void };
  /** A client's RAM message block (MessageBlockCache). */
  blocks: { drop(client_hash: string): void };
}

/**
 * The caches a node keeps that another node can make stale, and the one place that changes them
 * on every node: here in place, elsewhere through the bus. (Chats and blocked pairs subscribe in
 * ChatService and MatchService.)
 */
export class ClusterCaches {
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: ClusterCachesDeps) {
    this.unsubscribe = deps.cluster.events.on('invalidated', ({ cache, key }) => {
      if (cache === 'clients') deps.directory.invalidate(key);
      else if (cache === 'block') deps.blocks.drop(key);
    });
  }

  /** A client was added or revoked, or the account deleted: every node reloads the device list. */
  clientsChanged(user_hash: string): void {
    this.deps.directory.invalidate(user_hash);
    this.deps.cluster.invalidate('clients', user_hash);
  }

  /** Envelopes were deleted underneath a client's block (a ban): no node may serve it from RAM. */
  blockChanged(client_hash: string): void {
    this.deps.blocks.drop(client_hash);
    this.deps.cluster.invalidate('block', client_hash);
  }

  close(): void {
    this.unsubscribe();
  }
}
