import { describe, expect, it } from 'vitest';
import { NetworkHasher, networkPrefix } from './network-hasher.js';

describe('NetworkHasher', () => {
  it('groups IPv6 by /64 and keeps IPv4 whole', () => {
    expect(networkPrefix('2001:db8:1:2:aaaa::1')).toBe(networkPrefix('2001:db8:1:2::ffff'));
    expect(networkPrefix('2001:db8:1:2::1')).not.toBe(networkPrefix('2001:db8:1:3::1'));
    expect(networkPrefix('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(networkPrefix('10.0.0.1')).toBe('10.0.0.1');
  });

  it('never contains the IP and rotates its key daily', () => {
    let now = Date.UTC(2026, 10, 24, 12);
    const h = new NetworkHasher({ now: () => now });
    const a = h.hash('203.0.113.7');
    expect(a).not.toContain('203');
    expect(h.hash('203.0.113.7')).toBe(a);
    expect(h.hash('203.0.113.8')).not.toBe(a);
    now += 86_400_000;
    expect(h.hash('203.0.113.7')).not.toBe(a);
  });
});
