import type { Clock } from '../ports/clock.js';
import type { NetworkBan, NetworkState } from '../ports/network-state.js';
import { OmeChatError } from '@omechat/protocol';

/** Bounds: every map here is keyed by something an outsider chooses or causes. */
export const NETWORK_STATE_LIMITS = { spent: 200_000, scores: 200_000, networks: 200_000, bans: 10_000 };

/**
 * `NetworkState` in process memory, for one node. Every entry expires (spent challenges with the
 * challenge, scores when they have decayed to nothing, account networks after their TTL, bans at
 * their end) and every map is capped, so it holds a bounded amount whatever callers do.
 */
export class MemoryNetworkState implements NetworkState {
  private readonly spent = new Map<string, number>();
  private readonly scores = new Map<string, { value: number; at: number }>();
  private readonly networks = new Map<string, { network_hash: string; until: number }>();
  private readonly bans = new Map<string, NetworkBan>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits = NETWORK_STATE_LIMITS,
  ) {}

  async spendChallenge(id: string, expiresAt: number): Promise<boolean> {
    const now = this.sweep();
    const at = this.spent.get(id);
    if (at !== undefined && at > now) return false;
    if (this.spent.size >= this.limits.spent) {
      for (const [k, until] of this.spent) if (until <= now) this.spent.delete(k);
      // Forgetting a live one would let it be replayed: refuse instead (bounded by challenge TTL).
      if (this.spent.size >= this.limits.spent) throw new OmeChatError('SERVICE_BUSY');
    }
    this.spent.set(id, expiresAt);
    return true;
  }

  async bump(key: string, amount: number, halfLifeMs: number): Promise<number> {
    const now = this.sweep();
    const value = this.decayed(key, halfLifeMs, now) + amount;
    this.scores.delete(key);
    this.scores.set(key, { value, at: now });
    // Oldest first (insertion order): forgetting a score only ever makes work easier, never harder.
    if (this.scores.size > this.limits.scores) this.scores.delete(this.scores.keys().next().value!);
    return value;
  }

  async score(key: string, halfLifeMs: number): Promise<number> {
    return this.decayed(key, halfLifeMs, this.sweep());
  }

  async rememberNetwork(user_hash: string, network_hash: string, ttlMs: number): Promise<void> {
    const now = this.sweep();
    this.networks.delete(user_hash);
    this.networks.set(user_hash, { network_hash, until: now + ttlMs });
    if (this.networks.size > this.limits.networks) this.networks.delete(this.networks.keys().next().value!);
  }

  async networkOf(user_hash: string): Promise<string | null> {
    const n = this.networks.get(user_hash);
    return n && n.until > this.clock.now() ? n.network_hash : null;
  }

  async addBan(ban: NetworkBan): Promise<void> {
    this.sweep();
    if (this.bans.size >= this.limits.bans) throw new OmeChatError('SERVICE_BUSY');
    this.bans.set(ban.ban_id, ban);
  }

  async banOf(network_hash: string): Promise<NetworkBan | null> {
    const now = this.clock.now();
    let found: NetworkBan | null = null;
    for (const b of this.bans.values())
      if (b.network_hash === network_hash && b.ends_at > now && (!found || b.ends_at > found.ends_at))
        found = b;
    return found;
  }

  async listBans(): Promise<NetworkBan[]> {
    this.sweep(true);
    return [...this.bans.values()].sort((a, b) => b.created_at - a.created_at);
  }

  async liftBan(ban_id: string): Promise<boolean> {
    return this.bans.delete(ban_id);
  }

  private decayed(key: string, halfLifeMs: number, now: number): number {
    const s = this.scores.get(key);
    if (!s) return 0;
    return s.value * Math.pow(0.5, Math.max(0, now - s.at) / halfLifeMs);
  }

  /** Drops what has expired, at most once a second (or now, when `force`). Returns now. */
  private sweep(force = false): number {
    const now = this.clock.now();
    if (!force && now - this.lastSweep < 1000) return now;
    this.lastSweep = now;
    for (const [k, until] of this.spent) if (until <= now) this.spent.delete(k);
    for (const [k, n] of this.networks) if (n.until <= now) this.networks.delete(k);
    for (const [k, b] of this.bans) if (b.ends_at <= now) this.bans.delete(k);
    // A score older than a day has decayed to nothing for any half-life we use.
    for (const [k, s] of this.scores) if (now - s.at > 86_400_000) this.scores.delete(k);
    return now;
  }
}
