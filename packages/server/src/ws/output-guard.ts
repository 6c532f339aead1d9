export interface OutputGuardOptions {
  /** Bytes queued for sending and not yet handed to the kernel. */
  buffered: () => number;
  /** Above this the socket counts as congested: it is not read, its queued requests wait. */
  highWaterBytes: number;
  /** Below this a congested socket is read again. */
  lowWaterBytes: number;
  /** Above this (frames pushed by others pile up) the socket is closed at once. */
  hardLimitBytes: number;
  /** How long a socket may stay congested before it is closed. */
  graceMs: number;
  onCongestion: (congested: boolean) => void;
  /** The socket did not read in time or passed the hard limit: close it with SLOW_CONSUMER. */
  onSlow: () => void;
}

const POLL_MS = 20;

/**
 * Bounds what one socket can make the server hold for sending (DESIGN §10): a client that sends
 * requests and never reads the answers first stops being read (so it cannot ask for more), then is
 * closed. `check()` after every write; `writable()` before handling the next request.
 */
export class OutputGuard {
  private congestedSince: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: OutputGuardOptions) {}

  get congested(): boolean {
    return this.congestedSince !== null;
  }

  check(): void {
    if (this.stopped) return;
    const bytes = this.o.buffered();
    if (bytes > this.o.hardLimitBytes) {
      this.stop();
      this.o.onSlow();
      return;
    }
    if (this.congestedSince !== null || bytes <= this.o.highWaterBytes) return;
    this.congestedSince = Date.now();
    this.o.onCongestion(true);
    // The socket has no drain event of its own; a short poll runs only while congested.
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  /** Resolves at once when the socket is not congested, else when it drains (or the guard stops). */
  writable(): Promise<void> {
    if (this.congestedSince === null || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private poll(): void {
    if (this.o.buffered() <= this.o.lowWaterBytes) {
      this.clear();
      this.o.onCongestion(false);
      return;
    }
    if (Date.now() - this.congestedSince! > this.o.graceMs) {
      this.stop();
      this.o.onSlow();
    }
  }

  private clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.congestedSince = null;
    for (const w of this.waiters.splice(0)) w();
  }
}
