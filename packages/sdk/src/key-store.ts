/** One change of a `KeyStore.write` batch: set `key` to `value`, or delete `key`. */
export type KeyStoreOp = { key: string; value: unknown } | { key: string; delete: true };

/**
 * Where the SDK keeps a device's long-term state (keys, sessions). Values are JSON values: strings,
 * finite numbers, booleans, null, arrays and plain objects (binary data goes in as base64).
 * Implementations: `MemoryKeyStore`, `IndexedDbKeyStore` (browser), `FileKeyStore` (Node, `/node`).
 */
export interface KeyStore {
  /**
   * Names the storage shared by every client that opens it (two tabs on one IndexedDB database):
   * their state changes are serialised under a lock of this name. Absent: private to this instance.
   */
  readonly lockName?: string;
  get<T>(key: string): Promise<T | undefined>;
  /** Applies all ops atomically, in order: after a crash either all or none are visible. */
  write(ops: KeyStoreOp[]): Promise<void>;
  /** Keys with a prefix, sorted. */
  keys(prefix: string): Promise<string[]>;
  clear(): Promise<void>;
}
