/** The bounds, one object shared by every socket of a node. */
export interface OutputGuardOptions {
  /** Above this the socket counts as congested: it is not read, its queued requests wait. */
  highWaterBytes: number;
  /** Below this a congested socket is read again. */
  lowWaterBytes: number;
  /** Above this (frames pushed by others pile up) the socket is closed at once. */
  hardLimitBytes: number;
  /** How long a socket may stay congested before it is closed. */
  graceMs: number;
}

/** The socket a guard watches (methods, not closures: nothing extra is kept per socket). */
export interface OutputGuardHost {
  /** Bytes queued for sending and not yet handed to the kernel. */
  bufferedBytes(): number;
  onCongestion(congested: boolean): void;
  /** The socket did not read in time or passed the hard limit: close it with SLOW_CONSUMER. */
  onSlow(): void;
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
  private waiters: (() => void)[] | null = null;
  private stopped = false;

  constructor(
    private readonly o: OutputGuardOptions,
    private readonly host: OutputGuardHost,
  ) {}

  get congested(): boolean {
    return this.congestedSince !== null;
  }

  check(): void {
    if (this.stopped) return;
    const bytes = this.host.bufferedBytes();
    if (bytes > this.o.hardLimitBytes) {
      this.stop();
      this.host.onSlow();
      return;
    }
    if (this.congestedSince !== null || bytes <= this.o.highWaterBytes) return;
    this.congestedSince = Date.now();
    this.host.onCongestion(true);
    // The socket has no drain event of its own; a short poll runs only while congested.
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  /** Resolves at once when the socket is not congested, else when it drains (or the guard stops). */
  writable(): Promise<void> {
    if (this.congestedSince === null || this.stopped) return Promise.resolve();
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private poll(): void {
    if (this.host.bufferedBytes() <= this.o.lowWaterBytes) {
      this.clear();
      this.host.onCongestion(false);
      return;
    }
    if (Date.now() - this.congestedSince! > this.o.graceMs) {
      this.stop();
      this.host.onSlow();
    }
  }

  private clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.congestedSince = null;
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters) for (const w of waiters) w();
  }
}
