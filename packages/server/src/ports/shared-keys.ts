/**
 * Random keys every node must agree on but nobody may keep: the daily network-hash key and the
 * sign-up challenge keys. One node holds them in process memory (`MemorySharedKeys`); several
 * nodes share them in Redis memory with a TTL (`RedisSharedKeys`), so a network hashes alike and a
 * challenge issued by one node verifies on another. They are never written to disk by OmeChat
 * (docs/operations.md says how to keep Redis from doing it).
 */
export interface SharedKeys {
  /**
   * The 32-byte random key called `name`: made by whichever node asks first, the same for every
   * node afterwards, and forgotten `ttlMs` after it was made (then a new one is made on demand).
   */
  get(name: string, ttlMs: number): Promise<Buffer>;
}
