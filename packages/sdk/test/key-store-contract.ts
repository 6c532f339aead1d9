import type { KeyStore } from '../src/key-store.js';

/**
 * The behaviour every KeyStore must have. Plain async checks with their own assertions (no vitest)
 * so the same code runs under vitest in Node and bundled inside Chromium for IndexedDbKeyStore.
 */
export interface KeyStoreHarness {
  /** A new, empty store. */
  fresh(): Promise<KeyStore>;
  /** Another instance over the same storage as `store` (omit for stores that do not persist). */
  reopen?(store: KeyStore): Promise<KeyStore>;
}

export type KeyStoreCheck = (h: KeyStoreHarness) => Promise<void>;

export const keyStoreContract: Record<string, KeyStoreCheck> = {
  async 'a missing key reads as undefined'(h) {
    const s = await h.fresh();
    equal(await s.get('nope'), undefined);
    equal(await s.keys(''), []);
  },

  async 'round-trips every JSON value type'(h) {
    const s = await h.fresh();
    const values = {
      str: 'héllo ✓ \u0000 "quoted"',
      num: -12.5,
      zero: 0,
      yes: true,
      no: false,
      nil: null,
      arr: [1, 'two', [3], { four: 4 }],
      obj: { nested: { deep: ['x'] }, empty: {} },
      empty: '',
    };
    await s.write(Object.entries(values).map(([key, value]) => ({ key, value })));
    for (const [key, value] of Object.entries(values)) equal(await s.get(key), value, key);
  },

  async 'stored values are copies: mutating inputs or outputs changes nothing'(h) {
    const s = await h.fresh();
    const input = { list: [1, 2], inner: { a: 1 } };
    await s.write([{ key: 'k', value: input }]);
    input.list.push(3);
    input.inner.a = 99;
    const out = await s.get<{ list: number[]; inner: { a: number } }>('k');
    equal(out, { list: [1, 2], inner: { a: 1 } });
    out!.list.push(4);
    out!.inner.a = 7;
    equal(await s.get('k'), { list: [1, 2], inner: { a: 1 } });
  },

  async 'overwrites and deletes'(h) {
    const s = await h.fresh();
    await s.write([{ key: 'a', value: 1 }]);
    await s.write([{ key: 'a', value: 2 }]);
    equal(await s.get('a'), 2);
    await s.write([{ key: 'a', delete: true }]);
    equal(await s.get('a'), undefined);
    // Deleting a missing key is fine.
    await s.write([{ key: 'never', delete: true }]);
    equal(await s.keys(''), []);
  },

  async 'ops in one batch apply in order'(h) {
    const s = await h.fresh();
    await s.write([
      { key: 'x', value: 1 },
      { key: 'x', value: 2 },
      { key: 'y', value: 'keep' },
      { key: 'z', value: 'gone' },
      { key: 'z', delete: true },
    ]);
    equal(await s.get('x'), 2);
    equal(await s.get('y'), 'keep');
    equal(await s.get('z'), undefined);
  },

  async 'a batch with a non-JSON value is refused as a whole'(h) {
    const s = await h.fresh();
    await s.write([{ key: 'a', value: 'before' }]);
    const bad: unknown[] = [new Uint8Array([1, 2]), NaN, () => 1, new Date(0), undefined, { n: Infinity }];
    for (const value of bad) {
      await rejects(
        s.write([
          { key: 'a', value: 'after' },
          { key: 'b', value },
        ]),
        `value ${String(value)}`,
      );
    }
    equal(await s.get('a'), 'before');
    equal(await s.get('b'), undefined);
    equal(await s.keys(''), ['a']);
  },

  async 'keys(prefix) lists only matching keys, sorted'(h) {
    const s = await h.fresh();
    const keys = [
      'session/b',
      'session/a',
      'sessions',
      'identity',
      'session/',
      'session/a/1',
      'sessioN/x',
      'z',
    ];
    await s.write(keys.map((key, i) => ({ key, value: i })));
    equal(await s.keys('session/'), ['session/', 'session/a', 'session/a/1', 'session/b']);
    equal(await s.keys('session'), ['session/', 'session/a', 'session/a/1', 'session/b', 'sessions']);
    equal(await s.keys(''), [...keys].sort());
    equal(await s.keys('nothing'), []);
  },

  async 'keys with unusual characters work'(h) {
    const s = await h.fresh();
    const keys = ['__proto__', 'constructor', 'a.b', 'ключ', '😀', ' spaced ', 'a"b\\c'];
    await s.write(keys.map((key) => ({ key, value: key })));
    for (const key of keys) equal(await s.get(key), key, key);
    equal(await s.keys(''), [...keys].sort());
  },

  async 'clear removes everything and the store stays usable'(h) {
    const s = await h.fresh();
    await s.write([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    await s.clear();
    equal(await s.keys(''), []);
    equal(await s.get('a'), undefined);
    await s.write([{ key: 'c', value: 3 }]);
    equal(await s.get('c'), 3);
  },

  async 'concurrent writes all land'(h) {
    const s = await h.fresh();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.write([{ key: `k${String(i).padStart(2, '0')}`, value: i }])),
    );
    equal((await s.keys('k')).length, 20);
    equal(await s.get('k07'), 7);
  },

  async 'state persists across instances'(h) {
    if (!h.reopen) return;
    const s = await h.fresh();
    await s.write([
      { key: 'identity', value: { pub: 'AAAA', n: 1 } },
      { key: 'gone', value: 1 },
      { key: 'gone', delete: true },
    ]);
    const again = await h.reopen(s);
    equal(await again.get('identity'), { pub: 'AAAA', n: 1 });
    equal(await again.keys(''), ['identity']);
    await again.clear();
    const third = await h.reopen(s);
    equal(await third.keys(''), []);
  },
};

// ---- tiny assertions that run anywhere ----

export function equal(actual: unknown, expected: unknown, what = 'value'): void {
  if (!deepEqual(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

export async function rejects(p: Promise<unknown>, what: string): Promise<void> {
  try {
    await p;
  } catch {
    return;
  }
  throw new Error(`${what}: expected a rejection`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
