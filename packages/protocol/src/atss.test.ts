import { describe, expect, it } from 'vitest';
import {
  YEAR_MS,
  ageBand,
  compatibleAgeRange,
  currentAge,
  effectiveTolerance,
  isValidAge,
  mayMeet,
} from './atss.js';

// The rules once more, written plainly and independently of atss.ts, for the cross-checks below.
function plainMayMeet(a: number, tolA: number, b: number, tolB: number): boolean {
  if (a < 13 || a > 120 || b < 13 || b > 120) return false;
  const aMinor = a <= 17;
  const bMinor = b <= 17;
  if (aMinor !== bMinor) return false;
  if (aMinor) {
    if (a <= 15 !== b <= 15) return false;
    if (tolA > 2) tolA = 2;
    if (tolB > 2) tolB = 2;
  }
  const gap = a > b ? a - b : b - a;
  return gap <= tolA && gap <= tolB;
}

const EDGE_AGES = [12, 13, 15, 16, 17, 18, 19, 25, 30, 119, 120, 121];
const TOLERANCES = [0, 1, 2, 3, 4, 5];
const DAY_MS = 24 * 60 * 60 * 1000;

describe('currentAge', () => {
  const signupAt = Date.UTC(2024, 0, 1);

  it('adds whole 365.2425-day years since signup', () => {
    expect(currentAge(17, signupAt, signupAt)).toBe(17);
    expect(currentAge(17, signupAt, signupAt + YEAR_MS - 1)).toBe(17);
    expect(currentAge(17, signupAt, signupAt + YEAR_MS)).toBe(18);
    expect(currentAge(13, signupAt, signupAt + 10 * YEAR_MS + DAY_MS)).toBe(23);
    expect(currentAge(120, signupAt, signupAt + 2 * YEAR_MS)).toBe(122);
  });

  it('counts a clock behind the signup time as no time elapsed', () => {
    expect(currentAge(30, signupAt, signupAt - 5 * YEAR_MS)).toBe(30);
  });

  it('rejects an invalid signup age or non-finite times', () => {
    expect(() => currentAge(12, signupAt, signupAt)).toThrow(RangeError);
    expect(() => currentAge(121, signupAt, signupAt)).toThrow(RangeError);
    expect(() => currentAge(20.5, signupAt, signupAt)).toThrow(RangeError);
    expect(() => currentAge(20, Number.NaN, signupAt)).toThrow(RangeError);
    expect(() => currentAge(20, signupAt, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('effectiveTolerance', () => {
  it('caps under-18s at 2 and leaves adults alone', () => {
    for (const tol of TOLERANCES) {
      for (const age of [13, 15, 16, 17]) expect(effectiveTolerance(age, tol)).toBe(Math.min(tol, 2));
      for (const age of [18, 19, 30, 120]) expect(effectiveTolerance(age, tol)).toBe(tol);
    }
  });

  it('rejects tolerances that are not integers 0-5', () => {
    for (const bad of [-1, 6, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => effectiveTolerance(30, bad)).toThrow(RangeError);
      expect(() => mayMeet({ age: 30, tolerance: bad }, { age: 30, tolerance: 5 })).toThrow(RangeError);
      expect(() => compatibleAgeRange(30, bad)).toThrow(RangeError);
    }
  });
});

describe('ageBand', () => {
  it('names the three bands', () => {
    expect([13, 14, 15].map(ageBand)).toEqual(['minor-young', 'minor-young', 'minor-young']);
    expect([16, 17].map(ageBand)).toEqual(['minor-old', 'minor-old']);
    expect([18, 19, 120].map(ageBand)).toEqual(['adult', 'adult', 'adult']);
  });

  it('throws outside 13-120', () => {
    for (const bad of [12, 121, 17.5, Number.NaN]) expect(() => ageBand(bad)).toThrow(RangeError);
    expect(isValidAge(13) && isValidAge(120) && !isValidAge(12) && !isValidAge(121)).toBe(true);
  });
});

describe('mayMeet: edge table', () => {
  const cases: [number, number, number, number, boolean][] = [
    // [ageA, tolA, ageB, tolB, expected]
    [17, 5, 18, 5, false], // the wall at 18
    [18, 5, 17, 5, false],
    [16, 5, 17, 5, true],
    [15, 5, 16, 5, false], // 13-15 never with 16-17
    [13, 5, 15, 5, true], // minors' cap 2 still allows a 2-year gap
    [13, 5, 15, 1, false],
    [13, 2, 16, 2, false],
    [18, 1, 19, 1, true],
    [18, 0, 19, 5, false], // asymmetry: the tighter side wins, both ways
    [19, 5, 18, 0, false],
    [25, 5, 30, 5, true],
    [25, 5, 30, 4, false],
    [30, 4, 25, 5, false],
    [30, 0, 30, 0, true],
    [119, 1, 120, 1, true],
    [120, 5, 121, 5, false], // beyond 120 nobody
    [12, 5, 13, 5, false], // under 13 nobody
    [12, 0, 12, 0, false],
    [121, 0, 121, 0, false],
  ];
  it.each(cases)('%i (tol %i) with %i (tol %i) -> %s', (a, ta, b, tb, expected) => {
    expect(mayMeet({ age: a, tolerance: ta }, { age: b, tolerance: tb })).toBe(expected);
    expect(mayMeet({ age: b, tolerance: tb }, { age: a, tolerance: ta })).toBe(expected);
  });

  it('agrees with the plain rules on every edge-age pair and tolerance pair', () => {
    for (const a of EDGE_AGES)
      for (const b of EDGE_AGES)
        for (const ta of TOLERANCES)
          for (const tb of TOLERANCES)
            expect(mayMeet({ age: a, tolerance: ta }, { age: b, tolerance: tb })).toBe(
              plainMayMeet(a, ta, b, tb),
            );
  });
});

describe('brute-force cross-check, ages 10-125, tolerances 0-5', () => {
  it('mayMeet agrees with the plain restatement for every pair', () => {
    let mismatches = 0;
    for (let a = 10; a <= 125; a++)
      for (let b = 10; b <= 125; b++)
        for (let ta = 0; ta <= 5; ta++)
          for (let tb = 0; tb <= 5; tb++)
            if (
              mayMeet({ age: a, tolerance: ta }, { age: b, tolerance: tb }) !== plainMayMeet(a, ta, b, tb)
            ) {
              mismatches++;
            }
    expect(mismatches).toBe(0);
  });

  it('compatibleAgeRange holds exactly the ages some partner tolerance allows', () => {
    for (let a = 10; a <= 125; a++) {
      for (let ta = 0; ta <= 5; ta++) {
        const { min, max } = compatibleAgeRange(a, ta);
        for (let b = 10; b <= 125; b++) {
          const someTolAllows = TOLERANCES.some((tb) => plainMayMeet(a, ta, b, tb));
          expect(b >= min && b <= max, `age ${a} tol ${ta} partner ${b}`).toBe(someTolAllows);
        }
      }
    }
  });
});
