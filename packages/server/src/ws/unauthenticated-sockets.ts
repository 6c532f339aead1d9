/**
 * Counts WebSocket connections that have not signed in yet, per network hash and in total, so an
 * outsider cannot hold thousands of sockets (and their buffers) without an account. A slot is
 * taken before the upgrade and given back when the socket authenticates or closes.
 */
export class UnauthenticatedSockets {
  private readonly byNetwork = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { perNetwork: number; max: number }) {}

  get size(): number {
    return this.total;
  }

  /** Takes a slot for this network; returns its (idempotent) release, or null when none is free. */
  tryReserve(networkHash: string): (() => void) | null {
    const n = this.byNetwork.get(networkHash) ?? 0;
    if (n >= this.limits.perNetwork || this.total >= this.limits.max) return null;
    this.byNetwork.set(networkHash, n + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byNetwork.get(networkHash) ?? 1) - 1;
      if (left > 0) this.byNetwork.set(networkHash, left);
      else this.byNetwork.delete(networkHash);
    };
  }
}
