// Mirrors ATSS (docs/atss.md) for display only; the server is what enforces it.
export type AgeBand = 'minor-young' | 'minor-old' | 'adult';

export const MAX_TOLERANCE = 5;
export const MINOR_MAX_TOLERANCE = 2;

export function ageBand(age: number): AgeBand {
  if (age < 16) return 'minor-young';
  if (age < 18) return 'minor-old';
  return 'adult';
}

export function bandRange(band: AgeBand): { min: number; max: number } {
  if (band === 'minor-young') return { min: 13, max: 15 };
  if (band === 'minor-old') return { min: 16, max: 17 };
  return { min: 18, max: 120 };
}

export function maxTolerance(age: number): number {
  return age < 18 ? MINOR_MAX_TOLERANCE : MAX_TOLERANCE;
}

export function clampTolerance(age: number, tolerance: number): number {
  const t = Math.round(Number.isFinite(tolerance) ? tolerance : 2);
  return Math.max(0, Math.min(maxTolerance(age), t));
}

/** Ages this user could meet with the given tolerance (the other side's tolerance must fit too). */
export function reachableAges(age: number, tolerance: number): { min: number; max: number } {
  const b = bandRange(ageBand(age));
  const t = clampTolerance(age, tolerance);
  return { min: Math.max(b.min, age - t), max: Math.min(b.max, age + t) };
}

export function bandLabel(band: AgeBand): string {
  if (band === 'minor-young') return '13–15';
  if (band === 'minor-old') return '16–17';
  return '18+';
}
