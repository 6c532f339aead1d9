import { ADULT_AGE, MAX_TOLERANCE, compatibleAgeRange, effectiveTolerance } from './atss.js';

/** A queue bucket: one (age, effective tolerance, newcomer) class, named for a shared store. */
export function bucketName(age: number, tolerance: number, newcomer: boolean): string {
  return `${age}.${effectiveTolerance(age, tolerance)}.${newcomer ? 1 : 0}`;
}

const MINOR_MAX = effectiveTolerance(ADULT_AGE - 1, MAX_TOLERANCE);

/**
 * The buckets that may hold a partner for this user (the same ATSS walk as MatchingQueue's
 * findPartner): every age in the user's range, with an effective tolerance that reaches back.
 */
export function partnerBuckets(age: number, tolerance: number, newcomer: boolean): string[] {
  const range = compatibleAgeRange(age, tolerance);
  const out: string[] = [];
  for (let a = range.min; a <= range.max; a++) {
    const gap = Math.abs(a - age);
    const maxTol = a < ADULT_AGE ? MINOR_MAX : MAX_TOLERANCE;
    for (let tol = gap; tol <= maxTol; tol++) out.push(`${a}.${tol}.${newcomer ? 1 : 0}`);
  }
  return out;
}
