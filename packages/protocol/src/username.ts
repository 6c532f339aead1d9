/**
 * Usernames: NFKC-normalised, 3-32 code points, letters/marks/digits plus space . _ - ',
 * no leading/trailing/double spaces. Uniqueness is case- and width-insensitive via `usernameKey`.
 * Control, format (zero-width, bidi), private-use and unassigned characters are refused by the
 * allow-list, so look-alike tricks built from invisible characters cannot register.
 */
const ALLOWED = /^[\p{L}\p{M}\p{N} ._'-]+$/u;

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;

export function normalizeUsername(raw: string): string | null {
  const s = raw.normalize('NFKC');
  const length = [...s].length;
  if (length < USERNAME_MIN || length > USERNAME_MAX) return null;
  if (!ALLOWED.test(s)) return null;
  if (s !== s.trim() || s.includes('  ')) return null;
  // A name of only punctuation/marks is not a name.
  if (!/[\p{L}\p{N}]/u.test(s)) return null;
  return s;
}

/** The key two usernames collide on: NFKC + lower case, re-normalised (case folding can denormalise). */
export function usernameKey(normalized: string): string {
  return normalized.toLowerCase().normalize('NFKC');
}
