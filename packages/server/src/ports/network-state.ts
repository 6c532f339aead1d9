/**
 * What the server remembers about networks (MLBS network layer) and about spent sign-up
 * challenges. Nothing of it may reach the disk: network hashes are keyed under a RAM-only key that
 * rotates daily, and a ban of a network lasts at most 72 hours. One node keeps it in process
 * memory (`MemoryNetworkState`); several nodes share it in Redis memory with a TTL on every key
 * (`RedisNetworkState`, docs/operations.md).
 */
export interface NetworkBan {
  ban_id: string;
  network_hash: string;
  /** The report the ban was placed from (the moderator's evidence). */
  report_id: string;
  created_at: number;
  ends_at: number;
  moderator: string;
  reason: string;
}

export interface NetworkState {
  /** Marks a challenge spent until it expires: false when it was spent before. Throws when full. */
  spendChallenge(id: string, expiresAt: number): Promise<boolean>;
  /** Adds `amount` to an exponentially decaying score (half-life `halfLifeMs`); returns the new score. */
  bump(key: string, amount: number, halfLifeMs: number): Promise<number>;
  /** The decayed score of `key` now (0 when unknown). */
  score(key: string, halfLifeMs: number): Promise<number>;
  /** Remembers the network an account last signed up or in from (to ban it from a report). */
  rememberNetwork(user_hash: string, network_hash: string, ttlMs: number): Promise<void>;
  networkOf(user_hash: string): Promise<string | null>;
  addBan(ban: NetworkBan): Promise<void>;
  /** The ban in force on a network, if any (expired bans are gone by themselves). */
  banOf(network_hash: string): Promise<NetworkBan | null>;
  listBans(): Promise<NetworkBan[]>;
  liftBan(ban_id: string): Promise<boolean>;
}
