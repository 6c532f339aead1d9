import { ADULT_AGE, MAX_TOLERANCE, compatibleAgeRange, effectiveTolerance, isValidAge } from './atss.js';

export interface JoinRequest {
  user_hash: string;
  client_hash: string;
  age: number;
  /** The tolerance the user asked for (0-5); ATSS caps it for minors. */
  tolerance: number;
  /** On probation (MLBS re-entry layer): meets only other newcomers. */
  newcomer?: boolean;
}

export interface Waiting {
  readonly user_hash: string;
  readonly client_hash: string;
  readonly age: number;
  readonly tolerance: number;
  readonly newcomer: boolean;
  /** `now()` when this entry joined, for wait-time metrics. */
  readonly joinedAt: number;
}

/** `a` waited longer (in `join`, the one found waiting), `b` arrived later (in `join`, the joiner). */
export interface Match {
  a: Waiting;
  b: Waiting;
}

export interface MatchingQueueOptions {
  now: () => number;
  /** Symmetric: true if either user blocked the other (MLBS pair layer). Called only for ATSS-compatible pairs. */
  isBlocked: (userA: string, userB: string) => boolean;
  /** After `recordSkip(a, b)`, a and b are not matched again for this long. */
  skipCooldownMs: number;
  /** Most skip pairs remembered; beyond it the one closest to expiry is forgotten early. Default 100 000. */
  maxSkips?: number;
  /** Most entries examined per bucket in one search, so a hostile block/skip pattern cannot make join O(n). Default 64. */
  walkCap?: number;
}

interface QueueNode {
  w: Waiting;
  seq: number;
  bucket: Bucket;
  prev: QueueNode | null;
  next: QueueNode | null;
}

/** One (age, effective tolerance, newcomer) class, FIFO by join sequence, so its head is its oldest. */
interface Bucket {
  head: QueueNode | null;
  tail: QueueNode | null;
}

interface SkipRecord {
  a: string;
  b: string;
  expiresAt: number;
}

// 64 hex, or 128 for ids kept from a v1 import (omechat import-v1).
const HASH_RE = /^(?:[0-9a-f]{64}|[0-9a-f]{128})$/;
const TOLERANCES = MAX_TOLERANCE + 1;
const MINOR_MAX_TOLERANCE_IN_BUCKETS = effectiveTolerance(ADULT_AGE - 1, MAX_TOLERANCE);

function bucketIndex(age: number, effTol: number, newcomer: boolean): number {
  return (age * TOLERANCES + effTol) * 2 + (newcomer ? 1 : 0);
}

function pairKey(a: string, b: string): string {
  // The separator keeps ids of different lengths from running together.
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * The "find a stranger" queue of one node (DESIGN §6), in memory.
 *
 * Invariant after every operation: no two waiting users could be matched (ATSS-compatible, same
 * newcomer status, different users, not blocked, not in skip cooldown), except beyond the walk cap and
 * for skip cooldowns that ran out since the last `sweep()`.
 *
 * Fairness: a joiner gets the compatible waiting user who joined first (one global sequence number).
 * Cost: a join looks at the head region of at most 36 buckets (ages within the joiner's range, partner
 * tolerances that reach the joiner), walking at most `walkCap` entries in each; leave is O(1).
 */
export class MatchingQueue {
  private readonly now: () => number;
  private readonly isBlocked: (userA: string, userB: string) => boolean;
  private readonly skipCooldownMs: number;
  private readonly maxSkips: number;
  private readonly walkCap: number;
  private readonly buckets: (Bucket | undefined)[] = [];
  private readonly index = new Map<string, QueueNode>();
  private seq = 0;
  // Lookups go through per-user maps of interned hashes (no string building on the hot path);
  // skipOrder keeps insertion = expiry order (the cooldown is constant and now() is assumed not to go
  // back) for cheap expiry and eviction.
  private readonly skipsByUser = new Map<string, Map<string, number>>();
  private readonly skipOrder = new Map<string, SkipRecord>();
  private evictedWhileWaiting: SkipRecord[] = [];

  constructor(opts: MatchingQueueOptions) {
    if (!(opts.skipCooldownMs >= 0)) throw new RangeError('skipCooldownMs must be >= 0');
    this.now = opts.now;
    this.isBlocked = opts.isBlocked;
    this.skipCooldownMs = opts.skipCooldownMs;
    this.maxSkips = opts.maxSkips ?? 100_000;
    this.walkCap = opts.walkCap ?? 64;
    if (!(this.maxSkips >= 1) || !(this.walkCap >= 1))
      throw new RangeError('maxSkips and walkCap must be >= 1');
  }

  get size(): number {
    return this.index.size;
  }

  has(user_hash: string): boolean {
    return this.index.has(user_hash);
  }

  /**
   * Matches the joiner with the longest-waiting compatible user, removing that user, or queues the joiner.
   * Joining again while queued (from any client) replaces the earlier entry and goes to the back.
   * Throws RangeError on a malformed hash, an age outside 13-120 or a tolerance outside 0-5.
   */
  join(req: JoinRequest): Match | null {
    if (!HASH_RE.test(req.user_hash)) throw new RangeError('user_hash must be 64 or 128 lowercase hex');
    if (!HASH_RE.test(req.client_hash)) throw new RangeError('client_hash must be 64 or 128 lowercase hex');
    if (!isValidAge(req.age)) throw new RangeError('age must be an integer 13-120');
    const effTol = effectiveTolerance(req.age, req.tolerance);
    this.leave(req.user_hash);

    const w: Waiting = {
      user_hash: req.user_hash,
      client_hash: req.client_hash,
      age: req.age,
      tolerance: req.tolerance,
      newcomer: req.newcomer === true,
      joinedAt: this.now(),
    };
    const partner = this.findPartner(w);
    if (partner) {
      this.unlink(partner);
      return { a: partner.w, b: w };
    }
    this.enqueue(w, effTol);
    return null;
  }

  /** Removes the user's waiting entry; false if they were not waiting. */
  leave(user_hash: string): boolean {
    const node = this.index.get(user_hash);
    if (!node) return false;
    this.unlink(node);
    return true;
  }

  /** Keeps a and b apart for `skipCooldownMs` (a "next" between them). */
  recordSkip(a: string, b: string): void {
    if (a === b) return;
    const key = pairKey(a, b);
    const record: SkipRecord = { a, b, expiresAt: this.now() + this.skipCooldownMs };
    // Re-inserting moves a refreshed pair to the back, keeping skipOrder in expiry order.
    this.skipOrder.delete(key);
    this.skipOrder.set(key, record);
    this.setSkip(a, b, record.expiresAt);
    this.setSkip(b, a, record.expiresAt);
    while (this.skipOrder.size > this.maxSkips) {
      const [oldKey, oldest] = this.skipOrder.entries().next().value as [string, SkipRecord];
      this.dropSkip(oldKey, oldest);
      // Forgetting early may make a waiting pair matchable; sweep() will pair them.
      if (this.index.has(oldest.a) && this.index.has(oldest.b)) this.evictedWhileWaiting.push(oldest);
    }
  }

  /**
   * Forgets expired skips and matches waiting pairs they were keeping apart (both users waited through
   * the cooldown). Call it on a timer (say every second): until then such a pair keeps waiting, so the
   * cooldown is in effect up to one sweep period longer for users who both stayed queued. Older waiters
   * search first and get their longest-waiting compatible partner.
   */
  sweep(): Match[] {
    const now = this.now();
    const released: SkipRecord[] = this.evictedWhileWaiting;
    this.evictedWhileWaiting = [];
    for (const [key, record] of this.skipOrder) {
      if (record.expiresAt > now) break;
      this.dropSkip(key, record);
      if (this.index.has(record.a) && this.index.has(record.b)) released.push(record);
    }
    if (released.length === 0) return [];

    const searchers = new Set<QueueNode>();
    for (const record of released) {
      const na = this.index.get(record.a);
      const nb = this.index.get(record.b);
      if (na) searchers.add(na);
      if (nb) searchers.add(nb);
    }
    const matches: Match[] = [];
    for (const node of [...searchers].sort((x, y) => x.seq - y.seq)) {
      if (this.index.get(node.w.user_hash) !== node) continue; // already matched in this sweep
      const partner = this.findPartner(node.w);
      if (!partner) continue;
      this.unlink(node);
      this.unlink(partner);
      matches.push(node.seq < partner.seq ? { a: node.w, b: partner.w } : { a: partner.w, b: node.w });
    }
    return matches;
  }

  /** The oldest waiting entry `w` may be matched with; its own entry, if queued, is skipped as self. */
  private findPartner(w: Waiting): QueueNode | null {
    const range = compatibleAgeRange(w.age, w.tolerance);
    const now = this.now();
    const skips = this.skipsByUser.get(w.user_hash);
    let best: QueueNode | null = null;
    for (let age = range.min; age <= range.max; age++) {
      const gap = Math.abs(age - w.age);
      // Partners in this age need an effective tolerance of at least the gap to accept the joiner.
      const maxTol = age < ADULT_AGE ? MINOR_MAX_TOLERANCE_IN_BUCKETS : MAX_TOLERANCE;
      for (let tol = gap; tol <= maxTol; tol++) {
        const bucket = this.buckets[bucketIndex(age, tol, w.newcomer)];
        let node = bucket?.head ?? null;
        for (let steps = 0; node !== null && steps < this.walkCap; steps++) {
          // Everything further in this bucket joined later than the best so far.
          if (best !== null && node.seq > best.seq) break;
          const other = node.w.user_hash;
          const skipUntil = skips?.get(other);
          if (
            other !== w.user_hash &&
            !(skipUntil !== undefined && now < skipUntil) &&
            !this.isBlocked(w.user_hash, other)
          ) {
            best = node;
            break;
          }
          node = node.next;
        }
      }
    }
    return best;
  }

  private setSkip(from: string, to: string, expiresAt: number): void {
    let partners = this.skipsByUser.get(from);
    if (!partners) this.skipsByUser.set(from, (partners = new Map()));
    partners.set(to, expiresAt);
  }

  private dropSkip(key: string, record: SkipRecord): void {
    this.skipOrder.delete(key);
    for (const [from, to] of [
      [record.a, record.b],
      [record.b, record.a],
    ] as const) {
      const partners = this.skipsByUser.get(from);
      partners?.delete(to);
      if (partners?.size === 0) this.skipsByUser.delete(from);
    }
  }

  private enqueue(w: Waiting, effTol: number): void {
    const idx = bucketIndex(w.age, effTol, w.newcomer);
    let bucket = this.buckets[idx];
    if (!bucket) this.buckets[idx] = bucket = { head: null, tail: null };
    const node: QueueNode = { w, seq: ++this.seq, bucket, prev: bucket.tail, next: null };
    if (bucket.tail) bucket.tail.next = node;
    else bucket.head = node;
    bucket.tail = node;
    this.index.set(w.user_hash, node);
  }

  private unlink(node: QueueNode): void {
    const { bucket } = node;
    if (node.prev) node.prev.next = node.next;
    else bucket.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else bucket.tail = node.prev;
    node.prev = node.next = null;
    this.index.delete(node.w.user_hash);
  }
}
