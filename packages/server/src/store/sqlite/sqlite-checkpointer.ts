import type Database from 'better-sqlite3';

/** Deleted chats and devices are wiped from the WAL within this long (accounts at once). */
const CHECKPOINT_DELAY_MS = 1000;

/**
 * Empties the WAL after deletes: it still holds the pages as they were before the delete
 * (docs/security.md). At once for an account, within a second for chats and devices.
 */
export class SqliteCheckpointer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Copies the WAL into the database file and truncates it, so pages from before a delete are gone. */
  now(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.db.open) return;
    try {
      // Another process reading the file (a backup) can keep it busy: try again a bit later.
      const [r] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (r?.busy) this.soon();
    } catch {
      this.soon();
    }
  }

  /** Deletions of chats and devices can come in bursts: one checkpoint covers those of a second. */
  soon(): void {
    this.timer ??= setTimeout(() => this.now(), CHECKPOINT_DELAY_MS).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
