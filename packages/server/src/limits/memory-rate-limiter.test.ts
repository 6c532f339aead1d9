import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

describe('MemoryRateLimiter', () => {
  it('counts per key in fixed windows and forgets a reset key', async () => {
    let now = 0;
    const l = new MemoryRateLimiter({ now: () => now });
    expect((await l.hit('k', 2, 1000)).allowed).toBe(true);
    expect((await l.hit('k', 2, 1000)).allowed).toBe(true);
    expect(await l.hit('k', 2, 1000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await l.hit('other', 2, 1000)).allowed).toBe(true);
    await l.reset('k');
    expect((await l.hit('k', 2, 1000)).allowed).toBe(true);
    now = 1000;
    expect((await l.hit('other', 1, 1000)).allowed).toBe(true);
  });

  it('keeps at most its cap of windows however many keys outsiders invent, oldest out first', async () => {
    const l = new MemoryRateLimiter({ now: () => 0 }, 100);
    for (let i = 0; i < 10_000; i++) await l.hit(`key${i}`, 1, 60_000);
    expect(l.size).toBe(100);
    expect((await l.hit('key9999', 1, 60_000)).allowed).toBe(false); // the newest are kept
    expect((await l.hit('key0', 1, 60_000)).allowed).toBe(true); // the oldest were forgotten
  });

  it('counts hitSync and hit in the same windows (hitSync is hit without a promise)', async () => {
    const l = new MemoryRateLimiter({ now: () => 0 });
    expect(l.hitSync('k', 2, 1000)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect((await l.hit('k', 2, 1000)).allowed).toBe(true);
    expect(l.hitSync('k', 2, 1000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
