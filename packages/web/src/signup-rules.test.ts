import { describe, expect, it } from 'vitest';
import { AGE_RULE, PSEUDONYM_RULE, ageError, pseudonymError } from './signup-rules.js';
import { charKind, secretGroups } from './secret-groups.js';

describe('sign-up field rules', () => {
  it('answers every bad age with the rule, 200 included', () => {
    expect(AGE_RULE).toBe('Age must be a whole number from 13 to 120.');
    for (const bad of ['200', '121', '', 'abc', '15.5', '-3', '1000']) expect(ageError(bad)).toBe(AGE_RULE);
    expect(ageError('12')).toContain(AGE_RULE);
    expect(ageError('12')).toContain('13 and up');
    for (const ok of ['13', '17', '120', ' 40 ']) expect(ageError(ok)).toBeNull();
  });

  it('states the pseudonym rule and says "pseudonym", never "username"', () => {
    expect(pseudonymError('ab')).toBe(PSEUDONYM_RULE);
    expect(pseudonymError('x'.repeat(33))).toBe(PSEUDONYM_RULE);
    expect(pseudonymError('no<tags>')).toBe(PSEUDONYM_RULE);
    expect(pseudonymError('')).toContain(PSEUDONYM_RULE);
    expect(pseudonymError('Mira_2009')).toBeNull();
    expect(pseudonymError('x'.repeat(32))).toBeNull();
    expect(PSEUDONYM_RULE.toLowerCase()).not.toContain('username');
  });
});

describe('secret display', () => {
  it('groups the 64 characters by 4 without losing any', () => {
    const secret = 'A0Ol1I'.padEnd(64, 'x');
    const groups = secretGroups(secret);
    expect(groups).toHaveLength(16);
    expect(groups.every((g) => g.length === 4)).toBe(true);
    expect(groups.join('')).toBe(secret);
  });

  it('tells look-alike characters apart by kind', () => {
    expect(['0', 'O', 'o'].map(charKind)).toEqual(['digit', 'upper', 'lower']);
    expect(['1', 'I', 'l'].map(charKind)).toEqual(['digit', 'upper', 'lower']);
  });
});
