import type { KeyStore, KeyStoreOp } from './key-store.js';
import { serialiseOps } from './serialise-ops.js';

const DB_VERSION = 1;
const ENTRIES = 'entries';
const META = 'meta';
const WRAPPING_KEY_ID = 'aes-gcm-key';

/** How one value is stored: AES-256-GCM ciphertext; the record's key is bound in as associated data. */
export interface EncryptedRecord {
  iv: Uint8Array;
  ciphertext: ArrayBuffer;
}

/**
 * A browser key store in IndexedDB whose values are encrypted with AES-256-GCM under a
 * non-extractable `CryptoKey` that is generated on first use and kept in the same database (a
 * CryptoKey is structured-clonable; non-extractable means no script, ours included, can read its
 * bytes, so a copied database dump or an XSS that exfiltrates records gets ciphertext only).
 * Key names are stored in clear, so prefix listing works: do not put secrets in key names.
 * Nothing goes to localStorage.
 */
export class IndexedDbKeyStore implements KeyStore {
  private dbPromise: Promise<IDBDatabase> | null = null;
  private keyPromise: Promise<CryptoKey> | null = null;

  constructor(readonly dbName = 'omechat-key-store') {}

  /** Every tab of this origin that opens the same database shares this lock (see `WriteQueue`). */
  get lockName(): string {
    return `omechat-key-store:${this.dbName}`;
  }

  /** Deletes the whole database, encryption key included (for example at account deletion). */
  static deleteDatabase(dbName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const db = await this.db();
    const record = await request<EncryptedRecord | undefined>(
      db.transaction(ENTRIES).objectStore(ENTRIES).get(key),
    );
    if (record === undefined) return undefined;
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: record.iv as Uint8Array<ArrayBuffer>, additionalData: utf8(key) },
      await this.wrappingKey(),
      record.ciphertext,
    );
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  }

  async write(ops: KeyStoreOp[]): Promise<void> {
    const batch = serialiseOps(ops);
    const cryptoKey = await this.wrappingKey();
    // Encrypt before opening the transaction: it would auto-commit while we await WebCrypto.
    const prepared = await Promise.all(
      batch.map(async (op) => {
        if (op.text === null) return { key: op.key, record: null };
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const ciphertext = await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: utf8(op.key) },
          cryptoKey,
          utf8(op.text),
        );
        return { key: op.key, record: { iv, ciphertext } satisfies EncryptedRecord };
      }),
    );
    const db = await this.db();
    // One readwrite transaction for the whole batch: IndexedDB commits all of it or none of it.
    const tx = db.transaction(ENTRIES, 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(ENTRIES);
    for (const { key, record } of prepared) {
      if (record === null) store.delete(key);
      else store.put(record, key);
    }
    await done(tx);
  }

  async keys(prefix: string): Promise<string[]> {
    const db = await this.db();
    // Keys sort by UTF-16 code units, so every match follows `prefix` contiguously.
    const all = await request<IDBValidKey[]>(
      db.transaction(ENTRIES).objectStore(ENTRIES).getAllKeys(IDBKeyRange.lowerBound(prefix)),
    );
    const out: string[] = [];
    for (const k of all) {
      if (typeof k !== 'string' || !k.startsWith(prefix)) break;
      out.push(k);
    }
    return out.sort();
  }

  /** Removes every entry; the encryption key stays, so other tabs using this store keep working. */
  async clear(): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(ENTRIES, 'readwrite', { durability: 'strict' });
    tx.objectStore(ENTRIES).clear();
    await done(tx);
  }

  /** Closes the database connection (a later call reopens it). */
  close(): void {
    void this.dbPromise?.then((db) => db.close()).catch(() => undefined);
    this.dbPromise = null;
    this.keyPromise = null;
  }

  private db(): Promise<IDBDatabase> {
    this.dbPromise ??= openDatabase(this.dbName).catch((e: unknown) => {
      this.dbPromise = null;
      throw e;
    });
    return this.dbPromise;
  }

  private wrappingKey(): Promise<CryptoKey> {
    this.keyPromise ??= this.loadOrCreateKey().catch((e: unknown) => {
      this.keyPromise = null;
      throw e;
    });
    return this.keyPromise;
  }

  private async loadOrCreateKey(): Promise<CryptoKey> {
    const db = await this.db();
    const existing = await request<CryptoKey | undefined>(
      db.transaction(META).objectStore(META).get(WRAPPING_KEY_ID),
    );
    if (existing) return existing;
    const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    // Another tab may have created one since we looked: inside one readwrite transaction, keep the
    // first stored key and only add ours if there is none (transactions on META are serialised).
    const tx = db.transaction(META, 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(META);
    let chosen: CryptoKey = fresh;
    const get = store.get(WRAPPING_KEY_ID);
    get.onsuccess = () => {
      if (get.result) chosen = get.result as CryptoKey;
      else store.add(fresh, WRAPPING_KEY_ID);
    };
    await done(tx);
    return chosen;
  }
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(ENTRIES)) db.createObjectStore(ENTRIES);
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Let a newer version or a deleteDatabase elsewhere proceed instead of blocking on us.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
  });
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function utf8(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
}
