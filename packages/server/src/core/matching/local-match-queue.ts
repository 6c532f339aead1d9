import type { MatchQueue } from '../../ports/match-queue.js';
import { MatchingQueue, type JoinRequest, type Match, type MatchingQueueOptions } from './matching-queue.js';

/** The queue of a node alone: the in-memory MatchingQueue behind the MatchQueue port. */
export class LocalMatchQueue implements MatchQueue {
  readonly queue: MatchingQueue;

  constructor(opts: MatchingQueueOptions) {
    this.queue = new MatchingQueue(opts);
  }

  get size(): number {
    return this.queue.size;
  }

  async join(req: JoinRequest): Promise<Match | null> {
    return this.queue.join(req);
  }

  async leave(user_hash: string): Promise<boolean> {
    return this.queue.leave(user_hash);
  }

  async has(user_hash: string): Promise<boolean> {
    return this.queue.has(user_hash);
  }

  async recordSkip(a: string, b: string): Promise<void> {
    this.queue.recordSkip(a, b);
  }

  async sweep(): Promise<Match[]> {
    return this.queue.sweep();
  }
}
