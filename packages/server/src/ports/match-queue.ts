import type { JoinRequest, Match } from '../core/matching/matching-queue.js';

/**
 * The "find a stranger" queue as the matching service sees it: one node's memory (LocalMatchQueue)
 * or shared by every node in Redis (RedisMatchQueue), with the same ATSS rules and fairness
 * (the longest-waiting compatible user first).
 */
export interface MatchQueue {
  /** Waiting users this node enqueued (metrics). */
  readonly size: number;
  /** The joiner's partner (`a` waited longer), or null: queued, or taken meanwhile by another joiner. */
  join(req: JoinRequest): Promise<Match | null>;
  /** `joinedHere`: only if this node enqueued the entry (the user went offline on this node). */
  leave(user_hash: string, opts?: { joinedHere?: boolean }): Promise<boolean>;
  /** Whether this user is waiting (on any node). */
  has(user_hash: string): Promise<boolean>;
  recordSkip(a: string, b: string): Promise<void>;
  /** Pairs that became matchable by time alone (a skip cooldown ran out). Call periodically. */
  sweep(): Promise<Match[]>;
}
