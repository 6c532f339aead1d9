import type { EnvelopeRecord } from '../../ports/store.js';

/**
 * The seed's "message blocks cached into the RAM": the pending envelopes of one recipient client
 * form its message block; recent blocks stay in memory, bounded in bytes with LRU eviction, so a
 * reconnecting client's drain rarely touches the database. Write-through: the store is always
 * the truth, a block is cached only when it holds ALL of that client's pending envelopes.
 */
export class MessageBlockCache {
  private readonly blocks = new Map<string, { envelopes: EnvelopeRecord[]; bytes: number }>();
  private totalBytes = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(
    private readonly maxBytes: number,
    /** A block larger than this is not cached (it would evict everything else). */
    private readonly maxBlockBytes = Math.max(1, Math.floor(maxBytes / 8)),
  ) {}

  /** The client's complete pending block, or undefined when not cached. Counts a hit or a miss. */
  get(client_hash: string): readonly EnvelopeRecord[] | undefined {
    const b = this.blocks.get(client_hash);
    if (!b) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.blocks.delete(client_hash);
    this.blocks.set(client_hash, b);
    return b.envelopes;
  }

  has(client_hash: string): boolean {
    return this.blocks.has(client_hash);
  }

  /** Caches a client's complete pending list, as read from the store. */
  fill(client_hash: string, envelopes: EnvelopeRecord[]): void {
    this.drop(client_hash);
    const bytes = envelopes.reduce((n, e) => n + sizeOf(e), 0);
    if (bytes > this.maxBlockBytes) return;
    this.blocks.set(client_hash, { envelopes: [...envelopes], bytes });
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

  /** Removes acknowledged envelopes from a cached block. */
  remove(client_hash: string, ids: ReadonlySet<string>): void {
    const b = this.blocks.get(client_hash);
    if (!b) return;
    const kept = b.envelopes.filter((e) => !ids.has(e.id));
    const bytes = kept.reduce((n, e) => n + sizeOf(e), 0);
    this.totalBytes += bytes - b.bytes;
    b.envelopes = kept;
    b.bytes = bytes;
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
function sizeOf(e: EnvelopeRecord): number {
  return 200 + e.ciphertext.length + e.cf.length + e.rf.length + 4 * 64;
}
