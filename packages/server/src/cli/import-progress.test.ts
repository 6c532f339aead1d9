import { describe, expect, it } from 'vitest';
import { emptyTally } from '../core/v1-import/import-tally.js';
import { ImportProgress } from './import-progress.js';

function setUp(tty: boolean) {
  let now = 0;
  let fraction = 0;
  const out: string[] = [];
  const err: string[] = [];
  const p = new ImportProgress(
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    { tty, now: () => now, intervalMs: 5000, fraction: () => fraction },
  );
  return {
    p,
    out,
    err,
    at: (ms: number, f: number) => {
      now = ms;
      fraction = f;
    },
  };
}

describe('ImportProgress', () => {
  it('on a terminal redraws one bar with counts, rate and ETA, and keeps skip reports off it', () => {
    const { p, out, err, at } = setUp(true);
    const t = emptyTally();
    at(0, 0);
    p.progress('users', t);
    t.read = 1000;
    t.imported = 990;
    t.skipped.malformed = 10;
    at(10_000, 0.25);
    p.progress('users', t);
    const bar = err.at(-1)!;
    expect(bar.startsWith('\r\x1b[K')).toBe(true);
    expect(bar).toContain('[######..................]  25%');
    expect(bar).toContain('1,000 read, 990 imported, 0 already there, 10 skipped, 100/s, ETA 30s');
    p.skipped('users', 'ab'.repeat(64), 'malformed', 'AGE_INVALID');
    expect(out.at(-1)).toBe(`skipped user ${'ab'.repeat(64)}: malformed entry (AGE_INVALID)\n`);
    // The bar is cleared before the report and drawn again after it.
    expect(err.slice(-2)).toEqual(['\r\x1b[K', bar]);
    at(10_050, 0.3);
    const drawn = err.length;
    p.progress('users', t);
    expect(err.length).toBe(drawn); // at most one redraw per 100 ms
    p.finish('users', t);
    expect(err.at(-1)).toBe('\n');
  });

  it('elsewhere prints a plain line every interval and one at the end', () => {
    const { p, err, at } = setUp(false);
    const t = emptyTally();
    at(0, 0);
    p.progress('clients', t);
    t.read = 50;
    at(1000, 0.5);
    p.progress('clients', t);
    expect(err).toHaveLength(0);
    at(6000, 0.6);
    p.progress('clients', t);
    expect(err).toEqual(['clients:  60% 50 read, 0 imported, 0 already there, 0 skipped, 8/s, ETA 4s\n']);
    p.finish('clients', t);
    expect(err).toHaveLength(2);
    expect(err.join('')).not.toContain('\r');
  });
});
