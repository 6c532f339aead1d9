import type { Redis } from 'ioredis';
import type { MatchQueue } from '../ports/match-queue.js';
import { isValidAge } from '../core/matching/atss.js';
import type { JoinRequest, Match, Waiting } from '../core/matching/matching-queue.js';
import { bucketName, partnerBuckets } from '../core/matching/partner-buckets.js';

export interface RedisMatchQueueOptions {
  redis: Redis;
  prefix: string;
  nodeId: string;
  /** Entries of a node whose heartbeat (RedisBus) is older than this are dropped. */
  presenceTtlMs: number;
  now: () => number;
  isBlocked: (a: string, b: string) => boolean;
  skipCooldownMs: number;
  /** Entries read per bucket in one search (as MatchingQueue's walkCap). Default 64. */
  walkCap?: number;
}

/** ARGV: prefix, user, bucket, client, age, tol, newcomer, joinedAt, node. Returns the new seq. */
const ENQUEUE = `local w = ARGV[1] .. 'q:w:' .. ARGV[2]
local old = redis.call('HGET', w, 'bucket')
if old then redis.call('ZREM', ARGV[1] .. 'q:b:' .. old, ARGV[2]) end
local seq = redis.call('INCR', ARGV[1] .. 'q:seq')
redis.call('DEL', w)
redis.call('ZADD', ARGV[1] .. 'q:b:' .. ARGV[3], seq, ARGV[2])
redis.call('HSET', w, 'bucket', ARGV[3], 'client', ARGV[4], 'age', ARGV[5], 'tol', ARGV[6],
  'newcomer', ARGV[7], 'joinedAt', ARGV[8], 'seq', seq, 'node', ARGV[9])
return seq`;

/**
 * ARGV: prefix, user, seq, walkCap, ttl, buckets... Entries older than `seq` in the buckets, not
 * the user, not in skip cooldown with the user, as [user, seq, ...]; entries of dead nodes are dropped.
 */
const CANDIDATES = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)
local p, me, out = ARGV[1], ARGV[2], {}
for i = 6, #ARGV do
  local key = p .. 'q:b:' .. ARGV[i]
  local list = redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. ARGV[3], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[4]))
  for j = 1, #list, 2 do
    local other = list[j]
    if other ~= me then
      local node = redis.call('HGET', p .. 'q:w:' .. other, 'node')
      local hb = node and redis.call('ZSCORE', p .. 'nodes', node)
      if not hb or tonumber(hb) < now - tonumber(ARGV[5]) then
        redis.call('ZREM', key, other)
        if node then redis.call('DEL', p .. 'q:w:' .. other) end
      else
        local pk = me < other and (me .. other) or (other .. me)
        if redis.call('EXISTS', p .. 'q:skip:' .. pk) == 0 then
          out[#out + 1] = other
          out[#out + 1] = list[j + 1]
        end
      end
    end
  end
end
return out`;

/** ARGV: prefix, me, my seq, other, other seq. {1, mine, theirs} | {-1}: I was taken | {0}: they were. */
const CLAIM = `local p = ARGV[1]
local wm, wo = p .. 'q:w:' .. ARGV[2], p .. 'q:w:' .. ARGV[4]
if redis.call('HGET', wm, 'seq') ~= ARGV[3] then return {-1} end
if redis.call('HGET', wo, 'seq') ~= ARGV[5] then return {0} end
local mine, theirs = redis.call('HGETALL', wm), redis.call('HGETALL', wo)
redis.call('ZREM', p .. 'q:b:' .. redis.call('HGET', wm, 'bucket'), ARGV[2])
redis.call('ZREM', p .. 'q:b:' .. redis.call('HGET', wo, 'bucket'), ARGV[4])
redis.call('DEL', wm, wo)
return {1, mine, theirs}`;

/** ARGV: prefix, user, node ('' = any). */
const LEAVE = `local w = ARGV[1] .. 'q:w:' .. ARGV[2]
local b = redis.call('HGET', w, 'bucket')
if not b then return 0 end
if ARGV[3] ~= '' and redis.call('HGET', w, 'node') ~= ARGV[3] then return 0 end
redis.call('ZREM', ARGV[1] .. 'q:b:' .. b, ARGV[2])
redis.call('DEL', w)
return 1`;

const MAX_CLAIM_TRIES = 16;

/**
 * The matching queue shared by every node (DESIGN §11), in Redis: a sorted set per ATSS bucket
 * (score = a global join sequence, so the oldest entry is first), a hash per waiting user, and a
 * key with a TTL per skipped pair. A joiner enqueues first, then looks for the oldest compatible
 * entry that joined before it and claims both atomically (Lua): of two joiners at once, the later
 * one always sees the earlier, so no two matchable users stay waiting. Blocked pairs are keyed
 * hashes this node checks (MatchService keeps them in step across nodes).
 */
export class RedisMatchQueue implements MatchQueue {
  /** Users this node enqueued -> their seq: searched again by `sweep` (skip cooldowns ending). */
  private readonly mine = new Map<string, number>();

  constructor(private readonly o: RedisMatchQueueOptions) {}

  get size(): number {
    return this.mine.size;
  }

  async join(req: JoinRequest): Promise<Match | null> {
    if (!isValidAge(req.age)) throw new RangeError('age must be an integer 13-120');
    const newcomer = req.newcomer === true;
    const seq = Number(
      await this.o.redis.eval(
        ENQUEUE,
        0,
        this.o.prefix,
        req.user_hash,
        bucketName(req.age, req.tolerance, newcomer),
        req.client_hash,
        req.age,
        req.tolerance,
        newcomer ? 1 : 0,
        this.o.now(),
        this.o.nodeId,
      ),
    );
    this.mine.set(req.user_hash, seq);
    return this.search(req.user_hash, seq, req.age, req.tolerance, newcomer);
  }

  async leave(user_hash: string, opts: { joinedHere?: boolean } = {}): Promise<boolean> {
    const node = opts.joinedHere ? this.o.nodeId : '';
    const r = await this.o.redis.eval(LEAVE, 0, this.o.prefix, user_hash, node);
    if (r === 1 || !opts.joinedHere) this.mine.delete(user_hash);
    return r === 1;
  }

  async has(user_hash: string): Promise<boolean> {
    return (await this.o.redis.exists(`${this.o.prefix}q:w:${user_hash}`)) === 1;
  }

  async recordSkip(a: string, b: string): Promise<void> {
    if (a === b) return;
    const pk = a < b ? a + b : b + a;
    await this.o.redis.set(`${this.o.prefix}q:skip:${pk}`, '1', 'PX', Math.max(1, this.o.skipCooldownMs));
  }

  async sweep(): Promise<Match[]> {
    const matches: Match[] = [];
    for (const [user, seq] of [...this.mine]) {
      const w = await this.o.redis.hmget(`${this.o.prefix}q:w:${user}`, 'seq', 'age', 'tol', 'newcomer');
      if (w[0] !== String(seq)) {
        this.mine.delete(user);
        continue;
      }
      const m = await this.search(user, seq, Number(w[1]), Number(w[2]), w[3] === '1');
      if (m) matches.push(m);
    }
    return matches;
  }

  /** The oldest compatible entry older than `seq`, claimed together with the searcher's own. */
  private async search(
    user: string,
    seq: number,
    age: number,
    tolerance: number,
    newcomer: boolean,
  ): Promise<Match | null> {
    const buckets = partnerBuckets(age, tolerance, newcomer);
    for (let tries = 0; tries < MAX_CLAIM_TRIES; tries++) {
      const flat = (await this.o.redis.eval(
        CANDIDATES,
        0,
        this.o.prefix,
        user,
        seq,
        this.o.walkCap ?? 64,
        this.o.presenceTtlMs,
        ...buckets,
      )) as string[];
      const found: { user: string; seq: number }[] = [];
      for (let i = 0; i < flat.length; i += 2) found.push({ user: flat[i]!, seq: Number(flat[i + 1]) });
      found.sort((x, y) => x.seq - y.seq);
      const candidates = found.filter((c) => !this.o.isBlocked(user, c.user));
      if (candidates.length === 0) return null;
      // Oldest first; one taken meanwhile by another joiner: the next one, then a fresh look.
      for (const other of candidates) {
        const r = (await this.o.redis.eval(CLAIM, 0, this.o.prefix, user, seq, other.user, other.seq)) as [
          number,
          string[]?,
          string[]?,
        ];
        if (r[0] === -1) {
          // Another joiner took this user: its node creates the chat.
          this.mine.delete(user);
          return null;
        }
        if (r[0] === 1) {
          this.mine.delete(user);
          this.mine.delete(other.user);
          return { a: waiting(other.user, r[2]!), b: waiting(user, r[1]!) };
        }
      }
    }
    // Still queued (heavy contention): the next sweep looks again.
    return null;
  }
}

function waiting(user_hash: string, flat: string[]): Waiting {
  const h = new Map<string, string>();
  for (let i = 0; i < flat.length; i += 2) h.set(flat[i]!, flat[i + 1]!);
  return {
    user_hash,
    client_hash: h.get('client')!,
    age: Number(h.get('age')),
    tolerance: Number(h.get('tol')),
    newcomer: h.get('newcomer') === '1',
    joinedAt: Number(h.get('joinedAt')),
  };
}
