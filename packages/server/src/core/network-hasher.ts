import { createHmac } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { SharedKeys } from '../ports/shared-keys.js';

const DAY_MS = 86_400_000;

/**
 * Turns an IP into a keyed hash for throttling, never storing the IP. The key lives only in memory
 * (this node's, or Redis's shared by every node, so a network hashes alike whichever node is
 * asked) and is one per UTC day, forgotten when the day ends, so yesterday's hashes cannot be
 * linked to today's. IPv6 addresses are cut to their /64, the unit one subscriber usually holds.
 */
export class NetworkHasher {
  constructor(
    private readonly clock: Clock,
    private readonly keys: SharedKeys,
  ) {}

  async hash(ip: string): Promise<string> {
    const now = this.clock.now();
    const day = Math.floor(now / DAY_MS);
    const key = await this.keys.get(`nethash:${day}`, (day + 1) * DAY_MS - now);
    return createHmac('sha256', key).update(networkPrefix(ip)).digest('hex').slice(0, 32);
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
