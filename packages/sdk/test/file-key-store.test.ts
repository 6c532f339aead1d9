import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FileKeyStore } from '../src/node/index.js';
import type { KeyStore } from '../src/key-store.js';
import { keyStoreContract } from './key-store-contract.js';

// Lets one test stop a write between "temp file written and fsynced" and "renamed into place",
// which is exactly where a crash can hit an atomic replace.
const fsControl = vi.hoisted(() => ({ rename: 'real' as 'real' | 'hang' | 'fail' }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    rename: (from: string, to: string) =>
      fsControl.rename === 'hang'
        ? new Promise<void>(() => {})
        : fsControl.rename === 'fail'
          ? Promise.reject(Object.assign(new Error('EIO: simulated'), { code: 'EIO' }))
          : real.rename(from, to),
  };
});

const root = mkdtempSync(join(tmpdir(), 'omechat-sdk-fks-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  fsControl.rename = 'real';
});

/** A store in its own new directory (creating the directory is the caller's job). */
function freshStore(): FileKeyStore {
  const dir = join(root, `store-${++n}`);
  mkdirSync(dir);
  return new FileKeyStore(join(dir, 'keys.json'));
}
const dirOf = (s: FileKeyStore) => dirname(s.path);

describe('FileKeyStore: contract', () => {
  for (const [name, check] of Object.entries(keyStoreContract)) {
    it(name, () =>
      check({
        fresh: async () => freshStore(),
        reopen: async (s: KeyStore) => new FileKeyStore((s as FileKeyStore).path),
      }),
    );
  }
});

describe('FileKeyStore: files on disk', () => {
  it('writes one JSON file with mode 0600 and no temp files left behind', async () => {
    const s = freshStore();
    await s.write([{ key: 'identity', value: { k: 'v' } }]);
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(s.path, 'utf8'))).toEqual({
      version: 1,
      entries: { identity: { k: 'v' } },
    });
    const dir = dirOf(s);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it('a write interrupted before the rename leaves the previous state readable', async () => {
    const s = freshStore();
    await s.write([
      { key: 'a', value: 'old' },
      { key: 'b', value: 'old' },
    ]);
    const before = readFileSync(s.path, 'utf8');

    fsControl.rename = 'hang';
    const interrupted = s.write([
      { key: 'a', value: 'new' },
      { key: 'b', delete: true },
      { key: 'c', value: 'new' },
    ]);
    void interrupted; // never settles: the "process" died here
    const dir = dirOf(s);
    await vi.waitFor(() => expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toHaveLength(1));
    const tmp = readdirSync(dir).find((f) => f.includes('.tmp-'))!;
    // The new state was fully written to the temp file, but the real file is untouched.
    expect(JSON.parse(readFileSync(join(dir, tmp), 'utf8')).entries).toEqual({ a: 'new', c: 'new' });
    expect(readFileSync(s.path, 'utf8')).toBe(before);
    fsControl.rename = 'real';

    // "After the restart": a new instance sees exactly the old state and can write on.
    const restarted = new FileKeyStore(s.path);
    expect(await restarted.get('a')).toBe('old');
    expect(await restarted.get('b')).toBe('old');
    expect(await restarted.keys('')).toEqual(['a', 'b']);
    await restarted.write([{ key: 'd', value: 1 }]);
    expect(await new FileKeyStore(s.path).keys('')).toEqual(['a', 'b', 'd']);
  });

  it('a failed rename rejects the write and changes nothing, in memory or on disk', async () => {
    const s = freshStore();
    await s.write([{ key: 'a', value: 1 }]);
    fsControl.rename = 'fail';
    await expect(s.write([{ key: 'a', value: 2 }])).rejects.toThrow(/EIO/);
    fsControl.rename = 'real';
    expect(readdirSync(dirOf(s))).toEqual(['keys.json']);
    expect(await s.get('a')).toBe(1);
    expect(await new FileKeyStore(s.path).get('a')).toBe(1);
    // The store keeps working after the failure.
    await s.write([{ key: 'a', value: 3 }]);
    expect(await new FileKeyStore(s.path).get('a')).toBe(3);
  });

  it('refuses to read a damaged file instead of treating it as empty', async () => {
    const s = freshStore();
    writeFileSync(s.path, '{"version":1,"entries":{"a":');
    await expect(s.get('a')).rejects.toThrow(/not valid JSON/);
    writeFileSync(s.path, '{"version":99,"entries":{}}');
    await expect(new FileKeyStore(s.path).keys('')).rejects.toThrow(/unknown format/);
  });
});
