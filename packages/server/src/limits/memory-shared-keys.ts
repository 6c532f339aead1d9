import { randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { SharedKeys } from '../ports/shared-keys.js';

/** `SharedKeys` of one node: process memory; a restart makes new keys. Names are ours, so few. */
export class MemorySharedKeys implements SharedKeys {
  private readonly keys = new Map<string, { key: Buffer; until: number }>();

  constructor(private readonly clock: Clock) {}

  async get(name: string, ttlMs: number): Promise<Buffer> {
    const now = this.clock.now();
    const held = this.keys.get(name);
    if (held && held.until > now) return held.key;
    for (const [k, v] of this.keys) if (v.until <= now) this.keys.delete(k);
    const key = randomBytes(32);
    this.keys.set(name, { key, until: now + ttlMs });
    return key;
  }
}
