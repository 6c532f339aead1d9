// Bundled for Chromium by indexed-db-key-store.e2e.test.ts; exposes checks on `window.omechatTest`.
import { IndexedDbKeyStore } from '../../src/indexed-db-key-store.js';
import { equal, keyStoreContract, rejects } from '../key-store-contract.js';

const CANARY = 'PLAINTEXT-CANARY-7f3a9c';
let counter = 0;
const freshName = (label: string) => `test-${label}-${Date.now()}-${++counter}`;

function rawRequest<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}

/** Opens the store's database directly, bypassing IndexedDbKeyStore, to see what is really stored. */
async function rawDb(name: string): Promise<IDBDatabase> {
  return rawRequest<IDBDatabase>(indexedDB.open(name));
}

function bytesAsText(v: unknown): string {
  if (v instanceof ArrayBuffer) return new TextDecoder('latin1').decode(new Uint8Array(v));
  if (ArrayBuffer.isView(v))
    return new TextDecoder('latin1').decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  if (typeof v === 'object' && v !== null) return Object.values(v).map(bytesAsText).join('|');
  return String(v);
}

const harness = {
  contractNames(): string[] {
    return Object.keys(keyStoreContract);
  },

  async contract(name: string): Promise<void> {
    const check = keyStoreContract[name];
    if (!check) throw new Error(`no contract check ${name}`);
    await check({
      fresh: async () => new IndexedDbKeyStore(freshName('contract')),
      reopen: async (s) => new IndexedDbKeyStore((s as IndexedDbKeyStore).dbName),
    });
  },

  /** The wrapping key is a non-extractable AES-GCM CryptoKey stored in the same database. */
  async keyIsNonExtractable(): Promise<{
    type: string;
    extractable: boolean;
    algorithm: string;
    usages: string[];
  }> {
    const name = freshName('extractable');
    await new IndexedDbKeyStore(name).write([{ key: 'k', value: 1 }]);
    const db = await rawDb(name);
    const keys = await rawRequest<unknown[]>(db.transaction('meta').objectStore('meta').getAll());
    db.close();
    equal(keys.length, 1, 'stored keys');
    const key = keys[0];
    if (!(key instanceof CryptoKey)) throw new Error('the stored key is not a CryptoKey');
    await rejects(crypto.subtle.exportKey('raw', key), 'exportKey raw');
    await rejects(crypto.subtle.exportKey('jwk', key), 'exportKey jwk');
    return {
      type: key.type,
      extractable: key.extractable,
      algorithm: (key.algorithm as AesKeyAlgorithm).name + '-' + (key.algorithm as AesKeyAlgorithm).length,
      usages: [...key.usages].sort(),
    };
  },

  /** Writes a canary and returns what the raw records look like (none may contain the canary). */
  async rawRecordsAreCiphertext(): Promise<{
    dbName: string;
    records: number;
    shapes: string[];
    leaks: number;
  }> {
    const dbName = freshName('raw');
    const store = new IndexedDbKeyStore(dbName);
    await store.write([
      { key: 'identity', value: { private_key: CANARY, n: 1 } },
      { key: 'note', value: CANARY },
      { key: 'list', value: [CANARY, CANARY] },
    ]);
    equal(await store.get('note'), CANARY, 'decrypted note');
    const db = await rawDb(dbName);
    const tx = db.transaction(['entries', 'meta']);
    const records = await rawRequest<{ iv: unknown; ciphertext: unknown }[]>(
      tx.objectStore('entries').getAll(),
    );
    db.close();
    const shapes = records.map(
      (r) =>
        `${Object.keys(r).sort().join(',')}:${r.iv instanceof Uint8Array ? r.iv.length : '?'}:${
          r.ciphertext instanceof ArrayBuffer ? 'ArrayBuffer' : '?'
        }`,
    );
    const leaks = records.filter(
      (r) => bytesAsText(r).includes(CANARY) || JSON.stringify(r).includes(CANARY),
    ).length;
    return { dbName, records: records.length, shapes, leaks };
  },

  /** Ciphertext is bound to its key name: moving a record under another key makes it unreadable. */
  async swappedRecordIsRejected(): Promise<void> {
    const dbName = freshName('swap');
    const store = new IndexedDbKeyStore(dbName);
    await store.write([
      { key: 'a', value: 'value of a' },
      { key: 'b', value: 'value of b' },
    ]);
    const db = await rawDb(dbName);
    const tx = db.transaction('entries', 'readwrite');
    const entries = tx.objectStore('entries');
    const a = await rawRequest<unknown>(entries.get('a'));
    entries.put(a, 'b');
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    equal(await store.get('a'), 'value of a', 'a');
    await rejects(store.get('b'), 'reading a record moved under another key');
  },

  async readBack(dbName: string, key: string): Promise<unknown> {
    return new IndexedDbKeyStore(dbName).get(key);
  },

  localStorageLength(): number {
    return localStorage.length;
  },
};

export type BrowserHarness = typeof harness;
(globalThis as unknown as { omechatTest: BrowserHarness }).omechatTest = harness;
