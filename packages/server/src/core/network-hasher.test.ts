import { describe, expect, it } from 'vitest';
import { MemorySharedKeys } from '../limits/memory-shared-keys.js';
import { NetworkHasher, networkPrefix } from './network-hasher.js';

describe('NetworkHasher', () => {
  it('groups IPv6 by /64 and keeps IPv4 whole', () => {
    expect(networkPrefix('2001:db8:1:2:aaaa::1')).toBe(networkPrefix('2001:db8:1:2::ffff'));
    expect(networkPrefix('2001:db8:1:2::1')).not.toBe(networkPrefix('2001:db8:1:3::1'));
    expect(networkPrefix('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(networkPrefix('10.0.0.1')).toBe('10.0.0.1');
  });

  it('never contains the IP and rotates its key daily', async () => {
    let now = Date.UTC(2026, 10, 24, 12);
    const clock = { now: () => now };
    const keys = new MemorySharedKeys(clock);
    const h = new NetworkHasher(clock, keys);
    const a = await h.hash('203.0.113.7');
    expect(a).not.toContain('203');
    expect(await h.hash('203.0.113.7')).toBe(a);
    expect(await h.hash('203.0.113.8')).not.toBe(a);
    // Another hasher on the same keys (another node on the same Redis) agrees.
    expect(await new NetworkHasher(clock, keys).hash('203.0.113.7')).toBe(a);
    now += 86_400_000;
    expect(await h.hash('203.0.113.7')).not.toBe(a);
  });
});
