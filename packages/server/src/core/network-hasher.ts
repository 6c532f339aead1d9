import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock.js';

const DAY_MS = 86_400_000;

/**
 * Turns an IP into a keyed hash for throttling, never storing the IP. The key lives only in memory
 * and rotates daily, so yesterday's hashes cannot be linked to today's. IPv6 addresses are cut to
 * their /64, the unit one subscriber usually holds.
 */
export class NetworkHasher {
  private key = randomBytes(32);
  private day: number;

  constructor(private readonly clock: Clock) {
    this.day = Math.floor(clock.now() / DAY_MS);
  }

  hash(ip: string): string {
    const day = Math.floor(this.clock.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.key = randomBytes(32);
    }
    return createHmac('sha256', this.key).update(networkPrefix(ip)).digest('hex').slice(0, 32);
  }
}

export function networkPrefix(ip: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return v4mapped[1]!;
  if (!ip.includes(':')) return ip;
  const expanded = expandIpv6(ip);
  return expanded ? expanded.slice(0, 4).join(':') + '::/64' : ip;
}

function expandIpv6(ip: string): string[] | null {
  const [head, tail] = ip.split('%')[0]!.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - h.length - t.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...h, ...Array<string>(missing).fill('0'), ...t].map((g) => g.toLowerCase().padStart(4, '0'));
}
