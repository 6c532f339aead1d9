import type { Bus, BusHandler, BusMessage, BusTarget } from '../../ports/bus.js';
import { randomHash } from '../random-string.js';

/**
 * The nodes of one process and who is connected where: one network is shared by the `LocalBus`es
 * of several servers in one process (tests, like socket.io's cluster-adapter tests); a single node
 * gets a network of its own.
 */
export class BusNetwork {
  private readonly nodes = new Map<string, Set<BusHandler>>();
  /** client -> node; user -> its clients. */
  private readonly clientNode = new Map<string, { node: string; user: string }>();
  private readonly userClients = new Map<string, Set<string>>();

  join(nodeId: string): Set<BusHandler> {
    const handlers = new Set<BusHandler>();
    this.nodes.set(nodeId, handlers);
    return handlers;
  }

  /** The node is gone (closed or killed): its clients are offline. */
  leave(nodeId: string): void {
    this.nodes.delete(nodeId);
    for (const [client, at] of [...this.clientNode]) if (at.node === nodeId) this.drop(client);
  }

  get size(): number {
    return this.nodes.size;
  }

  online(user: string, client: string, node: string): void {
    this.clientNode.set(client, { node, user });
    let set = this.userClients.get(user);
    if (!set) this.userClients.set(user, (set = new Set()));
    set.add(client);
  }

  offline(client: string, node: string): void {
    if (this.clientNode.get(client)?.node === node) this.drop(client);
  }

  isOnline(user: string): boolean {
    return (this.userClients.get(user)?.size ?? 0) > 0;
  }

  /** Routes a message; returns how many nodes it reached. */
  route(from: string, target: BusTarget, message: BusMessage): number {
    const to = new Set<string>();
    if ('node' in target) to.add(target.node);
    else if ('all' in target) for (const n of this.nodes.keys()) to.add(n);
    else if ('client' in target) {
      const at = this.clientNode.get(target.client);
      if (at) to.add(at.node);
    } else for (const c of this.userClients.get(target.user) ?? []) to.add(this.clientNode.get(c)!.node);
    to.delete(from);
    // Copied, so a receiver never shares objects with the sender (as over Redis).
    const json = JSON.stringify(message);
    let reached = 0;
    for (const n of to) {
      const handlers = this.nodes.get(n);
      if (!handlers) continue;
      reached++;
      // Asynchronous and in order, as a real bus.
      queueMicrotask(() => {
        for (const h of handlers) h(JSON.parse(json) as BusMessage);
      });
    }
    return reached;
  }

  /** The nodes other than `from` where these clients are connected. */
  locate(from: string, clients: readonly string[]): Map<string, string> {
    const at = new Map<string, string>();
    for (const c of clients) {
      const node = this.clientNode.get(c)?.node;
      if (node !== undefined && node !== from && this.nodes.has(node)) at.set(c, node);
    }
    return at;
  }

  private drop(client: string): void {
    const at = this.clientNode.get(client);
    if (!at) return;
    this.clientNode.delete(client);
    const set = this.userClients.get(at.user);
    set?.delete(client);
    if (set?.size === 0) this.userClients.delete(at.user);
  }
}

/** The in-process bus: the default for one node, and several servers of one process in tests. */
export class LocalBus implements Bus {
  readonly nodeId: string;
  private readonly handlers: Set<BusHandler>;

  constructor(
    private readonly network: BusNetwork = new BusNetwork(),
    nodeId = randomHash(8),
  ) {
    this.nodeId = nodeId;
    this.handlers = network.join(nodeId);
  }

  get clustered(): boolean {
    return this.network.size > 1;
  }

  async publish(target: BusTarget, message: BusMessage): Promise<number> {
    return this.network.route(this.nodeId, target, message);
  }

  async locate(client_hashes: readonly string[]): Promise<Map<string, string>> {
    return this.network.locate(this.nodeId, client_hashes);
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async clientOnline(user_hash: string, client_hash: string): Promise<void> {
    this.network.online(user_hash, client_hash, this.nodeId);
  }

  async clientOffline(_user_hash: string, client_hash: string): Promise<void> {
    this.network.offline(client_hash, this.nodeId);
  }

  async isOnline(user_hash: string): Promise<boolean> {
    return this.network.isOnline(user_hash);
  }

  async close(): Promise<void> {
    this.network.leave(this.nodeId);
  }
}
