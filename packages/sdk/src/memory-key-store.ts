import type { KeyStore, KeyStoreOp } from './key-store.js';
import { serialiseOps } from './serialise-ops.js';

/** A key store in memory (tests, ephemeral sessions). Values are kept as JSON so nobody shares references. */
export class MemoryKeyStore implements KeyStore {
  private readonly entries = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const text = this.entries.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async write(ops: KeyStoreOp[]): Promise<void> {
    // Serialise everything first: a bad value rejects the whole batch before anything changes.
    for (const op of serialiseOps(ops)) {
      if (op.text === null) this.entries.delete(op.key);
      else this.entries.set(op.key, op.text);
    }
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.entries.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }
}
