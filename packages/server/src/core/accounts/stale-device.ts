import type { ClientRecord } from '../../ports/store.js';
import { dayString } from '../day-string.js';

/**
 * The device an account at its device cap gives up when its owner signs in one more: the one seen
 * longest ago, and only if it has not been seen (nor created) for `staleAfterMs`, the envelope TTL,
 * so everything once pending for it has expired and revoking it loses nothing. Without this, someone
 * who lost or wiped every device of an account at its cap could never sign in again.
 */
export function staleDevice(
  clients: readonly ClientRecord[],
  now: number,
  staleAfterMs: number,
): ClientRecord | undefined {
  const cutoff = dayString(now - staleAfterMs);
  const seen = (c: ClientRecord) => c.last_seen_day ?? dayString(c.created_at);
  return clients
    .filter((c) => seen(c) < cutoff)
    .sort((a, b) => seen(a).localeCompare(seen(b)) || a.created_at - b.created_at)[0];
}
