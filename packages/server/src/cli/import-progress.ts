import {
  SKIP_REASONS,
  skippedCount,
  type ImportPhase,
  type PhaseTally,
  type SkipReason,
} from '../core/v1-import/import-tally.js';
import type { ImportObserver } from '../core/v1-import/v1-importer.js';
import type { CliIo } from './admin-cli.js';
import { formatDuration } from './import-summary.js';

export interface ProgressOptions {
  /** A terminal gets one redrawn bar; anything else plain lines every `intervalMs`. */
  tty: boolean;
  now: () => number;
  intervalMs?: number;
  /** How far through its file a phase is, 0-1 (bytes read of the file size). */
  fraction: (phase: ImportPhase) => number;
}

const BAR = 24;
const TTY_REDRAW_MS = 100;
const n = (x: number) => x.toLocaleString('en-US');

/** Progress of `omechat import-v1`: skipped entries on `out`, the bar or progress lines on `err`. */
export class ImportProgress implements ImportObserver {
  private phaseStart = new Map<ImportPhase, number>();
  private lastDraw = 0;
  private barShown = '';

  constructor(
    private readonly io: CliIo,
    private readonly opts: ProgressOptions,
  ) {}

  skipped(phase: ImportPhase, label: string, reason: SkipReason, detail?: string): void {
    this.clearBar();
    const what = phase === 'users' ? 'user' : 'client';
    this.io.out(`skipped ${what} ${label}: ${SKIP_REASONS[reason]}${detail ? ` (${detail})` : ''}\n`);
    if (this.barShown) this.io.err(this.barShown);
  }

  progress(phase: ImportPhase, tally: PhaseTally): void {
    const now = this.opts.now();
    if (!this.phaseStart.has(phase)) this.phaseStart.set(phase, now);
    const every = this.opts.tty ? TTY_REDRAW_MS : (this.opts.intervalMs ?? 5000);
    if (now - this.lastDraw < every) return;
    this.lastDraw = now;
    this.draw(phase, tally);
  }

  /** The phase's last state, always shown, then a line break on a terminal. */
  finish(phase: ImportPhase, tally: PhaseTally): void {
    if (!this.phaseStart.has(phase)) this.phaseStart.set(phase, this.opts.now());
    this.draw(phase, tally);
    if (this.opts.tty) this.io.err('\n');
    this.barShown = '';
  }

  private draw(phase: ImportPhase, t: PhaseTally): void {
    const f = Math.min(1, Math.max(0, this.opts.fraction(phase)));
    const elapsed = Math.max(1, this.opts.now() - (this.phaseStart.get(phase) ?? 0));
    const rate = (t.read * 1000) / elapsed;
    const eta = f > 0 && f < 1 ? formatDuration((elapsed * (1 - f)) / f) : f >= 1 ? '0s' : '?';
    const stats =
      `${n(t.read)} read, ${n(t.imported)} imported, ${n(t.already)} already there, ` +
      `${n(skippedCount(t))} skipped, ${n(Math.round(rate))}/s, ETA ${eta}`;
    const pct = `${String(Math.floor(f * 100)).padStart(3)}%`;
    if (!this.opts.tty) {
      this.io.err(`${phase}: ${pct} ${stats}\n`);
      return;
    }
    const full = Math.round(f * BAR);
    this.barShown = `\r\x1b[K${phase.padEnd(7)} [${'#'.repeat(full)}${'.'.repeat(BAR - full)}] ${pct} ${stats}`;
    this.io.err(this.barShown);
  }

  private clearBar(): void {
    if (this.barShown) this.io.err('\r\x1b[K');
  }
}
