import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayMeet } from './atss.js';
import { pickRandomCompatible, type BrowseCandidate } from './browse-picker.js';

function hash(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const noBlocks = () => false;

describe('pickRandomCompatible', () => {
  const me: BrowseCandidate = { user_hash: hash(0), age: 30, tolerance: 3 };

  it('returns only others I may meet both ways, never me, never a blocked pair, never across probation', () => {
    const candidates: BrowseCandidate[] = [
      me,
      { user_hash: hash(1), age: 31, tolerance: 1 },
      { user_hash: hash(2), age: 33, tolerance: 2 }, // too far for them
      { user_hash: hash(3), age: 17, tolerance: 5 }, // the wall
      { user_hash: hash(4), age: 29, tolerance: 5 }, // blocked
      { user_hash: hash(5), age: 30, tolerance: 0, newcomer: true },
      { user_hash: hash(6), age: 33, tolerance: 5 },
    ];
    const picked = pickRandomCompatible(candidates, me, 10, seeded(1), (a, b) => [a, b].includes(hash(4)));
    expect(picked.map((c) => c.user_hash).sort()).toEqual([hash(1), hash(6)]);
  });

  it('returns at most n, and nothing for n = 0; rejects a bad n', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ user_hash: hash(i + 1), age: 30, tolerance: 5 }));
    expect(pickRandomCompatible(many, me, 5, seeded(2), noBlocks)).toHaveLength(5);
    expect(pickRandomCompatible(many, me, 0, seeded(2), noBlocks)).toEqual([]);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => pickRandomCompatible(many, me, bad, seeded(2), noBlocks)).toThrow(RangeError);
    }
  });

  it('picks roughly uniformly (each of 20 compatible users about n/20 of the time)', () => {
    const pool = Array.from({ length: 20 }, (_, i) => ({ user_hash: hash(i + 1), age: 30, tolerance: 5 }));
    const counts = new Map<string, number>();
    const rounds = 20_000;
    const random = seeded(3);
    for (let r = 0; r < rounds; r++) {
      for (const c of pickRandomCompatible(pool, me, 5, random, noBlocks)) {
        counts.set(c.user_hash, (counts.get(c.user_hash) ?? 0) + 1);
      }
    }
    const expected = (rounds * 5) / 20; // 5 000 each; 4 sigma is about 250
    for (const c of pool) expect(Math.abs((counts.get(c.user_hash) ?? 0) - expected)).toBeLessThan(300);
  });

  it('always returns distinct compatible users, min(n, #compatible) of them', () => {
    const cand = fc.record({
      age: fc.integer({ min: 13, max: 40 }),
      tolerance: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(cand, { maxLength: 60 }), cand, fc.nat(10), fc.integer(), (raw, mine, n, seed) => {
        const all = raw.map((c, i) => ({ ...c, user_hash: hash(i + 1) }));
        const self = { ...mine, user_hash: hash(0) };
        const blocked = (a: string, b: string) =>
          (parseInt(a.slice(-2), 16) + parseInt(b.slice(-2), 16)) % 7 === 0;
        const ok = all.filter((c) => mayMeet(self, c) && !blocked(self.user_hash, c.user_hash));
        const picked = pickRandomCompatible([self, ...all], self, n, seeded(seed), blocked);
        expect(picked).toHaveLength(Math.min(n, ok.length));
        expect(new Set(picked).size).toBe(picked.length);
        for (const p of picked) expect(ok).toContain(p);
      }),
      { numRuns: 500 },
    );
  });
});
