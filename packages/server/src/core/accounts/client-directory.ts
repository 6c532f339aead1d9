import type { AccountStore } from '../../ports/store.js';

/**
 * user_hash -> its client_hashes, cached because the relay checks recipients on every message.
 * Entries are dropped when a client is added or revoked or the account deleted (AccountService hooks).
 */
export class ClientDirectory {
  private readonly cache = new Map<string, { clients: string[]; at: number }>();

  constructor(
    private readonly store: AccountStore,
    private readonly maxEntries = 100_000,
  ) {}

  async clientsOf(user_hash: string): Promise<string[]> {
    const hit = this.cache.get(user_hash);
    if (hit) return hit.clients;
    const clients = (await this.store.listClients(user_hash)).map((c) => c.client_hash);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(user_hash, { clients, at: Date.now() });
    return clients;
  }

  /** The cached list, without a promise, or undefined. */
  peek(user_hash: string): string[] | undefined {
    return this.cache.get(user_hash)?.clients;
  }

  invalidate(user_hash: string): void {
    this.cache.delete(user_hash);
  }
}
