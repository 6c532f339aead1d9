import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OmeChatError } from '@omechat/protocol';
import type { NetworkBan, NetworkState } from '../ports/network-state.js';
import { NETWORK_STATE_LIMITS } from '../limits/memory-network-state.js';

const DAY_MS = 86_400_000;

/** KEYS: score hash; ARGV: amount, half-life ms, now. Decays, adds, stamps; returns the new score. */
const BUMP = `local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or ARGV[3])
local now = tonumber(ARGV[3])
local age = now - at
if age < 0 then age = 0 end
v = v * math.pow(0.5, age / tonumber(ARGV[2])) + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'v', tostring(v), 'at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ${DAY_MS})
return tostring(v)`;

/**
 * KEYS: ban, bans-of-network set, all-bans zset; ARGV: ban JSON, ban id, ends_at, now, max bans,
 * ms until the ban ends. Every key ends with the ban (the set and zset with the longest ban they
 * hold); TTLs are relative, so a node's clock a little off Redis's cannot expire them early.
 */
const ADD_BAN = `redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[4])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return 0 end
local ttl = tonumber(ARGV[6])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
for _, k in ipairs({KEYS[2], KEYS[3]}) do
  local left = redis.call('PTTL', k)
  if left < ttl then redis.call('PEXPIRE', k, ttl) end
end
return 1`;

/**
 * `NetworkState` shared by every node (DESIGN §11), in Redis memory only: every key has a TTL
 * (spent challenges until the challenge expires, scores a day after their last change, account
 * networks for their TTL, bans until they end), so Redis forgets it all by itself, and nothing
 * reaches OmeChat's database. Keys name hashes only (account networks by a hash of the user hash).
 * Bounds: spent challenges and scores are bounded by the rate limits in front of them and by
 * their TTLs; bans are capped like the memory version.
 */
export class RedisNetworkState implements NetworkState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
    private readonly limits = NETWORK_STATE_LIMITS,
  ) {}

  async spendChallenge(id: string, expiresAt: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAt - this.now());
    const r = await this.redis.set(this.k('spent', short(id)), '1', 'PX', ttl, 'NX');
    return r === 'OK';
  }

  async bump(key: string, amount: number, halfLifeMs: number): Promise<number> {
    return Number(await this.redis.eval(BUMP, 1, this.k('score', key), amount, halfLifeMs, this.now()));
  }

  async score(key: string, halfLifeMs: number): Promise<number> {
    const [v, at] = await this.redis.hmget(this.k('score', key), 'v', 'at');
    if (v === null || at === null) return 0;
    return Number(v) * Math.pow(0.5, Math.max(0, this.now() - Number(at)) / halfLifeMs);
  }

  async rememberNetwork(user_hash: string, network_hash: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.k('acct', short(user_hash)), network_hash, 'PX', Math.max(1, ttlMs));
  }

  async networkOf(user_hash: string): Promise<string | null> {
    return this.redis.get(this.k('acct', short(user_hash)));
  }

  async addBan(ban: NetworkBan): Promise<void> {
    const now = this.now();
    if (ban.ends_at <= now) return;
    const added = await this.redis.eval(
      ADD_BAN,
      3,
      this.k('ban', ban.ban_id),
      this.k('bans', ban.network_hash),
      this.k('bans', 'all'),
      JSON.stringify(ban),
      ban.ban_id,
      ban.ends_at,
      now,
      this.limits.bans,
      ban.ends_at - now,
    );
    if (added !== 1) throw new OmeChatError('SERVICE_BUSY');
  }

  async banOf(network_hash: string): Promise<NetworkBan | null> {
    const ids = await this.redis.smembers(this.k('bans', network_hash));
    const now = this.now();
    let found: NetworkBan | null = null;
    for (const b of await this.bans(ids))
      if (b.network_hash === network_hash && b.ends_at > now && (!found || b.ends_at > found.ends_at))
        found = b;
    return found;
  }

  async listBans(): Promise<NetworkBan[]> {
    const all = this.k('bans', 'all');
    await this.redis.zremrangebyscore(all, '-inf', this.now());
    const bans = await this.bans(await this.redis.zrange(all, 0, -1));
    return bans.sort((a, b) => b.created_at - a.created_at);
  }

  async liftBan(ban_id: string): Promise<boolean> {
    const raw = await this.redis.call('GETDEL', this.k('ban', ban_id));
    if (typeof raw !== 'string') return false;
    const ban = JSON.parse(raw) as NetworkBan;
    await this.redis
      .multi()
      .srem(this.k('bans', ban.network_hash), ban_id)
      .zrem(this.k('bans', 'all'), ban_id)
      .exec();
    return true;
  }

  private async bans(ids: string[]): Promise<NetworkBan[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.k('ban', id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as NetworkBan);
  }

  private k(kind: string, key: string): string {
    return `${this.prefix}ns:${kind}:${key}`;
  }
}

/** Spent-challenge ids are long signatures, and user hashes do not belong in Redis key names. */
function short(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 32);
}
