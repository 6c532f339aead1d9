// Display helpers over the ATSS rules, which live once in the protocol package and reach the app
// through the SDK; the server is what enforces them.
import {
  MIN_AGE,
  ageBand as atssAgeBand,
  compatibleAgeRange,
  isValidAge,
  effectiveTolerance,
  MAX_TOLERANCE,
  type AgeBand,
} from '@omechat/sdk';

export type { AgeBand };

/** The band of an age; never throws while rendering (an age past 120 reads as adult). */
export function ageBand(age: number): AgeBand {
  if (isValidAge(age)) return atssAgeBand(age);
  return age < MIN_AGE ? 'minor-young' : 'adult';
}

/** The largest tolerance this age may choose (minors are capped). */
export function maxTolerance(age: number): number {
  return effectiveTolerance(age, MAX_TOLERANCE);
}

/** A tolerance the slider may hold: a whole number within this age's cap (2 if unreadable). */
export function clampTolerance(age: number, tolerance: number): number {
  const t = Math.round(Number.isFinite(tolerance) ? tolerance : 2);
  return Math.max(0, Math.min(maxTolerance(age), t));
}

/** Ages this user could meet with the given tolerance (the other side's tolerance must fit too). */
export function reachableAges(age: number, tolerance: number): { min: number; max: number } {
  return compatibleAgeRange(age, clampTolerance(age, tolerance));
}

export function bandLabel(band: AgeBand): string {
  if (band === 'minor-young') return '13–15';
  if (band === 'minor-old') return '16–17';
  return '18+';
}
