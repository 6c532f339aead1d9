// What the sign-up form says at each field: the rules themselves come from the protocol package
// through the SDK (the server checks them again).
import { MAX_AGE, MIN_AGE, USERNAME_MAX, USERNAME_MIN, normalizeUsername } from '@omechat/sdk';

export const PSEUDONYM_RULE = `Pseudonym must be ${USERNAME_MIN} to ${USERNAME_MAX} characters: letters, digits, spaces and . _ - ' only.`;
export const AGE_RULE = `Age must be a whole number from ${MIN_AGE} to ${MAX_AGE}.`;

/** Null when the pseudonym is acceptable, else the rule it breaks. */
export function pseudonymError(raw: string): string | null {
  if (!raw.trim()) return `Enter a pseudonym. ${PSEUDONYM_RULE}`;
  return normalizeUsername(raw.trim()) ? null : PSEUDONYM_RULE;
}

/** Null when the age field holds a whole number within the range, else the rule. */
export function ageError(raw: string): string | null {
  const t = raw.trim();
  if (!/^\d{1,3}$/.test(t)) return AGE_RULE;
  const n = Number(t);
  if (n < MIN_AGE) return `${AGE_RULE} OmeChat is for people aged ${MIN_AGE} and up.`;
  return n > MAX_AGE ? AGE_RULE : null;
}
