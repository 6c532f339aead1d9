/** Counters of the relay since start (exported as metrics); each module adds to its own. */
export interface RelayStats {
  relayed: number;
  stored: number;
  delivered: number;
  parked: number;
}

export function emptyRelayStats(): RelayStats {
  return { relayed: 0, stored: 0, delivered: 0, parked: 0 };
}
