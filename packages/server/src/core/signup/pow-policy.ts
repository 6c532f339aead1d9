/** The sign-up proof-of-work numbers (config: docs/operations.md; reasoning: docs/security.md). */
export interface PowPolicy {
  /** Level when nothing is going on; 0 lets a sign-up through without any work (tests). */
  minLevel: number;
  maxLevel: number;
  /** Counters the solver may have to try at level 1; each level above doubles it. */
  baseCounter: number;
  /** scrypt N (CPU/memory cost) and r (block size): memory per try is 128 * N * r bytes. */
  scryptCost: number;
  scryptBlockSize: number;
  challengeTtlMs: number;
  /** Recent sign-ups from one network hash per extra level (log2 steps). */
  networkSignupsPerStep: number;
  /** Recent sign-ups on the whole node per extra level (log2 steps). */
  globalSignupsPerStep: number;
  /** Extra levels for each recent ban of an account made from the same network hash. */
  levelsPerBan: number;
  /** Half-life of the sign-up scores: how fast difficulty decays when it is quiet. */
  signupHalfLifeMs: number;
  /** Half-life of the ban score of a network. */
  banHalfLifeMs: number;
}

export const DEFAULT_POW_POLICY: PowPolicy = {
  minLevel: 1,
  maxLevel: 10,
  baseCounter: 8,
  scryptCost: 1024,
  scryptBlockSize: 8,
  challengeTtlMs: 10 * 60_000,
  networkSignupsPerStep: 2,
  globalSignupsPerStep: 600,
  levelsPerBan: 2,
  signupHalfLifeMs: 30 * 60_000,
  banHalfLifeMs: 24 * 3_600_000,
};

/** The highest counter a challenge of `level` may hide (0: no work). Expected tries: half of it. */
export function maxCounterOf(level: number, policy: Pick<PowPolicy, 'baseCounter'>): number {
  return level <= 0 ? 0 : policy.baseCounter * 2 ** (level - 1);
}
