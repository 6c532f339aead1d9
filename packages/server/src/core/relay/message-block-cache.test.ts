import { describe, expect, it } from 'vitest';
import type { EnvelopeRecord } from '../../ports/store.js';
import { MessageBlockCache } from './message-block-cache.js';

const env = (id: number, size = 10): EnvelopeRecord => ({
  id: String(id),
  recipient_client: 'c',
  from_user: 'u',
  from_client: 'f',
  chat_id: 'x',
  msg_id: 'm',
  ts: id,
  ciphertext: 'a'.repeat(size),
  cf: 'cf',
  rf: 'rf',
  kid: 1,
  expires_at: 0,
});
const ids = (c: MessageBlockCache, client: string) => {
  const b = c.get(client);
  return b ? b.envelopes.slice(b.start).map((e) => Number(e.id)) : undefined;
};

describe('MessageBlockCache', () => {
  it('counts hits and misses, appends only to cached blocks', () => {
    const c = new MessageBlockCache(1 << 20);
    expect(c.get('a')).toBeUndefined();
    c.append('a', env(1));
    expect(ids(c, 'a')).toBeUndefined();
    c.fill('a', [env(1), env(2)]);
    c.append('a', env(3));
    expect(ids(c, 'a')).toEqual([1, 2, 3]);
    expect(c.misses).toBe(2);
    expect(c.hits).toBe(1);
  });

  it('removes acknowledged envelopes from the front and from the middle, keeping byte counts', () => {
    const c = new MessageBlockCache(1 << 20);
    c.fill(
      'a',
      [1, 2, 3, 4, 5].map((i) => env(i)),
    );
    const full = c.bytes;
    c.remove('a', new Set(['1', '2']));
    expect(ids(c, 'a')).toEqual([3, 4, 5]);
    c.remove('a', new Set(['4']));
    expect(ids(c, 'a')).toEqual([3, 5]);
    expect(c.bytes).toBe((full / 5) * 2);
    c.remove('a', new Set(['3', '5']));
    expect(ids(c, 'a')).toEqual([]);
    expect(c.bytes).toBe(0);
  });

  it('stays within its byte bound, evicting the least recently used block', () => {
    const one = 200 + 100 + 4 + 256; // sizeOf of env(i, 100)
    const c = new MessageBlockCache(one * 4, one * 4);
    c.fill('a', [env(1, 100), env(2, 100)]);
    c.fill('b', [env(3, 100)]);
    c.get('a'); // a is now more recent than b
    c.fill('c', [env(4, 100), env(5, 100)]);
    expect(c.bytes).toBeLessThanOrEqual(one * 4);
    expect(c.has('b')).toBe(false);
    expect(c.has('a')).toBe(true);
    expect(c.evictions).toBe(1);
  });

  it('does not cache a block larger than its per-block bound', () => {
    const c = new MessageBlockCache(10_000, 1_000);
    c.fill('big', [env(1, 2000)]);
    expect(c.has('big')).toBe(false);
  });
});
