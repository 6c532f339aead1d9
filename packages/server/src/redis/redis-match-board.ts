import type { Redis } from 'ioredis';
import type { Invitation, MatchBoard } from '../ports/match-board.js';

/**
 * The browse board shared by every node (DESIGN §11): a hash of open users -> tolerance, sampled
 * with HRANDFIELD, and one key per invitation that expires with it (taken with GETDEL, so it is
 * answered once whichever node the answer reaches).
 */
export class RedisMatchBoard implements MatchBoard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  private get openKey(): string {
    return `${this.prefix}open`;
  }

  async setOpen(user_hash: string, tolerance: number): Promise<void> {
    await this.redis.hset(this.openKey, user_hash, tolerance);
  }

  async setClosed(user_hash: string): Promise<void> {
    await this.redis.hdel(this.openKey, user_hash);
  }

  async toleranceOf(user_hash: string): Promise<number | undefined> {
    const v = await this.redis.hget(this.openKey, user_hash);
    return v === null ? undefined : Number(v);
  }

  async sampleOpen(max: number): Promise<{ user_hash: string; tolerance: number }[]> {
    const flat = (await this.redis.call('HRANDFIELD', this.openKey, max, 'WITHVALUES')) as string[];
    const out: { user_hash: string; tolerance: number }[] = [];
    for (let i = 0; i < flat.length; i += 2)
      out.push({ user_hash: flat[i]!, tolerance: Number(flat[i + 1]) });
    return out;
  }

  async putInvitation(inv: Invitation): Promise<void> {
    const ttl = Math.max(1, inv.expiresAt - this.now());
    await this.redis.set(`${this.prefix}inv:${inv.id}`, JSON.stringify(inv), 'PX', ttl);
  }

  async takeInvitation(id: string): Promise<Invitation | undefined> {
    if (!/^[0-9a-f]{1,64}$/.test(id)) return undefined;
    const v = (await this.redis.call('GETDEL', `${this.prefix}inv:${id}`)) as string | null;
    return v === null ? undefined : (JSON.parse(v) as Invitation);
  }
}
