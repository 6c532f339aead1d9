import { describe, expect, it } from 'vitest';
import { normalizeUsername, usernameKey } from './username.js';

describe('usernames', () => {
  it.each([
    ['alice', 'alice'],
    ['Mathis Burger1', 'Mathis Burger1'],
    ['Ｗｉｄｅ', 'Wide'],
    ["o'brien-x_y.z", "o'brien-x_y.z"],
    ['Zoë', 'Zoë'],
    ['名前です', '名前です'],
  ])('accepts %j as %j', (raw, normalized) => {
    expect(normalizeUsername(raw)).toBe(normalized);
  });

  it.each([
    'ab',
    'a'.repeat(33),
    'a\u200bb c',
    '\u202eabc',
    ' abc',
    'abc ',
    'a  b',
    '---',
    'a\tbc',
    'a😀bc',
    'a\ud800bc',
  ])('refuses %j', (raw) => {
    expect(normalizeUsername(raw)).toBeNull();
  });

  it('keys collide on case and width', () => {
    expect(usernameKey(normalizeUsername('ALICE')!)).toBe(usernameKey(normalizeUsername('ａｌｉｃｅ')!));
  });
});
