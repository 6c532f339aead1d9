import { mayMeet } from './atss.js';

export interface BrowseCandidate {
  user_hash: string;
  age: number;
  tolerance: number;
  /** On probation: browses and is browsed only among newcomers, as in the queue. Absent = false. */
  newcomer?: boolean;
}

/**
 * Browse (DESIGN §6): up to `n` users picked uniformly at random (reservoir sampling, one pass, O(n)
 * memory) among the candidates that `me` may meet both ways, never `me` and never a blocked pair.
 * The server feeds it only users who are online and open to chats, never the whole directory; the
 * result order is not meaningful. Throws RangeError if `n` is not a non-negative integer, or on a
 * candidate with an invalid tolerance (ATSS).
 */
export function pickRandomCompatible<C extends BrowseCandidate>(
  candidates: Iterable<C>,
  me: BrowseCandidate,
  n: number,
  random: () => number,
  isBlocked: (userA: string, userB: string) => boolean,
): C[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  const picked: C[] = [];
  if (n === 0) return picked;
  const myNewcomer = me.newcomer === true;
  let seen = 0;
  for (const c of candidates) {
    if (c.user_hash === me.user_hash || (c.newcomer === true) !== myNewcomer) continue;
    if (!mayMeet(me, c) || isBlocked(me.user_hash, c.user_hash)) continue;
    seen++;
    if (picked.length < n) {
      picked.push(c);
    } else {
      // Algorithm R: the seen-th compatible candidate replaces a random pick with probability n/seen.
      const j = Math.floor(random() * seen);
      if (j < n) picked[j] = c;
    }
  }
  return picked;
}
