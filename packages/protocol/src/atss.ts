// ATSS, the age-tolerance security system (docs/atss.md): every rule about who may meet whom lives
// here, once: the server's queue and browse enforce it, the SDK re-exports it and the web app only
// displays it, so no second copy can drift.
import { MAX_AGE, MAX_TOLERANCE, MIN_AGE } from './common-schemas.js';
/** First adult age: the hard wall. */
export const ADULT_AGE = 18;
/** First age of the older minors' band (16-17), which never mixes with 13-15. */
export const MINOR_OLD_AGE = 16;
export const MINOR_MAX_TOLERANCE = 2;
/** Mean Gregorian year, so leap years average out over long accounts. */
export const YEAR_MS = 365.2425 * 24 * 60 * 60 * 1000;

export type AgeBand = 'minor-young' | 'minor-old' | 'adult';

export interface AgeRange {
  /** Inclusive. `min > max` means nobody. */
  min: number;
  max: number;
}

export interface AgeAndTolerance {
  age: number;
  tolerance: number;
}

const NOBODY: AgeRange = Object.freeze({ min: 1, max: 0 });

/** True for an integer age a user may have and be matched at (13-120). */
export function isValidAge(age: number): boolean {
  return Number.isInteger(age) && age >= MIN_AGE && age <= MAX_AGE;
}

/**
 * The age now, derived from the age given at signup (no birthday is stored, DESIGN §4):
 * ageAtSignup + whole 365.2425-day years since signup. If the user told the truth, the result is their
 * true age or one less (it lags by under a year, never runs ahead), so a user who turns 18 may stay in
 * the minors' band for up to a year but a minor is never promoted early. The result may exceed 120;
 * such users simply stop meeting anyone. A clock behind the signup time counts as no time elapsed.
 */
export function currentAge(ageAtSignup: number, signupAt: number, now: number): number {
  if (!isValidAge(ageAtSignup)) throw new RangeError(`ageAtSignup must be an integer ${MIN_AGE}-${MAX_AGE}`);
  if (!Number.isFinite(signupAt) || !Number.isFinite(now)) throw new RangeError('times must be finite');
  const elapsed = Math.max(0, now - signupAt);
  return ageAtSignup + Math.floor(elapsed / YEAR_MS);
}

/**
 * The tolerance that actually applies: the user's choice (an integer 0-5, anything else is a caller bug
 * and throws RangeError), capped at 2 for anyone under 18.
 */
export function effectiveTolerance(age: number, requestedTolerance: number): number {
  if (!Number.isInteger(requestedTolerance) || requestedTolerance < 0 || requestedTolerance > MAX_TOLERANCE) {
    throw new RangeError(`tolerance must be an integer 0-${MAX_TOLERANCE}`);
  }
  return age < ADULT_AGE ? Math.min(requestedTolerance, MINOR_MAX_TOLERANCE) : requestedTolerance;
}

/** The band shown to a partner instead of the exact age; throws RangeError outside 13-120. */
export function ageBand(age: number): AgeBand {
  if (!isValidAge(age)) throw new RangeError(`age must be an integer ${MIN_AGE}-${MAX_AGE}`);
  if (age >= ADULT_AGE) return 'adult';
  return age >= MINOR_OLD_AGE ? 'minor-old' : 'minor-young';
}

/**
 * Whether two users may meet: both ages valid, same band (the wall at 18, and 13-15 never with 16-17),
 * and the age gap within BOTH effective tolerances. Throws RangeError on an invalid tolerance.
 */
export function mayMeet(a: AgeAndTolerance, b: AgeAndTolerance): boolean {
  const tolA = effectiveTolerance(a.age, a.tolerance);
  const tolB = effectiveTolerance(b.age, b.tolerance);
  if (!isValidAge(a.age) || !isValidAge(b.age)) return false;
  if (ageBand(a.age) !== ageBand(b.age)) return false;
  return Math.abs(a.age - b.age) <= Math.min(tolA, tolB);
}

/**
 * Every age this user may meet with a partner of a suitable tolerance: the user's own tolerance window
 * clipped to their band. The queue reads only these ages' buckets. Empty (`min > max`) for invalid ages.
 */
export function compatibleAgeRange(age: number, tolerance: number): AgeRange {
  const tol = effectiveTolerance(age, tolerance);
  if (!isValidAge(age)) return { ...NOBODY };
  const band = ageBand(age);
  const bandMin = band === 'adult' ? ADULT_AGE : band === 'minor-old' ? MINOR_OLD_AGE : MIN_AGE;
  const bandMax = band === 'adult' ? MAX_AGE : band === 'minor-old' ? ADULT_AGE - 1 : MINOR_OLD_AGE - 1;
  return { min: Math.max(age - tol, bandMin), max: Math.min(age + tol, bandMax) };
}
