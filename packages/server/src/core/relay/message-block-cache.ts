import type { EnvelopeRecord } from '../../ports/store.js';

/**
 * The seed's "message blocks cached into the RAM": the pending envelopes of one recipient client
 * form its message block; recent blocks stay in memory, bounded in bytes with LRU eviction, so a
 * reconnecting client's drain rarely touches the database. Write-through: the store is always
 * the truth, a block is cached only when it holds ALL of that client's pending envelopes.
 */
export class MessageBlockCache {
  /** `head`: envelopes before it were acknowledged (front removal is O(1); compacted now and then). */
  private readonly blocks = new Map<string, { envelopes: EnvelopeRecord[]; head: number; bytes: number }>();
  private totalBytes = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(
    private readonly maxBytes: number,
    /** A block larger than this is not cached (it would evict everything else). */
    readonly maxBlockBytes = Math.max(1, Math.floor(maxBytes / 4)),
  ) {}

  /**
   * The client's complete pending block (from index `start` of `envelopes`), or undefined when not
   * cached. Counts a hit or a miss.
   */
  get(client_hash: string): { envelopes: readonly EnvelopeRecord[]; start: number } | undefined {
    const b = this.blocks.get(client_hash);
    if (!b) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.blocks.delete(client_hash);
    this.blocks.set(client_hash, b);
    return { envelopes: b.envelopes, start: b.head };
  }

  has(client_hash: string): boolean {
    return this.blocks.has(client_hash);
  }

  /** Caches a client's complete pending list, as read from the store. */
  fill(client_hash: string, envelopes: EnvelopeRecord[]): void {
    this.drop(client_hash);
    const bytes = envelopes.reduce((n, e) => n + sizeOf(e), 0);
    if (bytes > this.maxBlockBytes) return;
    this.blocks.set(client_hash, { envelopes: [...envelopes], head: 0, bytes });
    this.totalBytes += bytes;
    this.evict();
  }

  /** Appends newly stored envelopes to a cached block (a block not cached stays uncached). */
  append(client_hash: string, envelope: EnvelopeRecord): void {
    const b = this.blocks.get(client_hash);
    if (!b) return;
    const size = sizeOf(envelope);
    if (b.bytes + size > this.maxBlockBytes) {
      this.drop(client_hash);
      return;
    }
    b.envelopes.push(envelope);
    b.bytes += size;
    this.totalBytes += size;
    this.evict();
  }

  /**
   * Envelopes another node stored: appended when they extend the block in id order, else the
   * block is dropped (the drain then reads the store, which is always the truth).
   */
  appendInOrder(client_hash: string, records: readonly EnvelopeRecord[]): void {
    const b = this.blocks.get(client_hash);
    if (!b) return;
    let last = b.envelopes.length > b.head ? Number(b.envelopes.at(-1)!.id) : 0;
    for (const r of records) {
      if (Number(r.id) <= last || !this.blocks.has(client_hash)) {
        this.drop(client_hash);
        return;
      }
      last = Number(r.id);
      this.append(client_hash, r);
    }
  }

  /** Removes acknowledged envelopes from a cached block. Acks usually come oldest first: O(1) each. */
  remove(client_hash: string, ids: ReadonlySet<string>): void {
    const b = this.blocks.get(client_hash);
    if (!b) return;
    let removed = 0;
    while (b.head < b.envelopes.length && ids.has(b.envelopes[b.head]!.id)) {
      const size = sizeOf(b.envelopes[b.head]!);
      b.bytes -= size;
      this.totalBytes -= size;
      b.head++;
      removed++;
    }
    if (removed < ids.size) {
      // Some acknowledged envelopes are not at the front: filter the rest.
      const kept = b.envelopes.slice(b.head).filter((e) => !ids.has(e.id));
      const bytes = kept.reduce((n, e) => n + sizeOf(e), 0);
      this.totalBytes += bytes - b.bytes;
      b.envelopes = kept;
      b.head = 0;
      b.bytes = bytes;
    } else if (b.head > 1024 && b.head * 2 > b.envelopes.length) {
      b.envelopes = b.envelopes.slice(b.head);
      b.head = 0;
    }
  }

  drop(client_hash: string): void {
    const b = this.blocks.get(client_hash);
    if (!b) return;
    this.blocks.delete(client_hash);
    this.totalBytes -= b.bytes;
  }

  clear(): void {
    this.blocks.clear();
    this.totalBytes = 0;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.blocks.size;
  }

  private evict(): void {
    for (const [key] of this.blocks) {
      if (this.totalBytes <= this.maxBytes) return;
      this.drop(key);
      this.evictions++;
    }
  }
}

/** Approximate bytes held: string data dominates; a fixed overhead covers the object. */
export function sizeOf(e: EnvelopeRecord): number {
  return 200 + e.ciphertext.length + e.cf.length + e.rf.length + 4 * 64;
}
