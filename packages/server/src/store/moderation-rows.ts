import type { ReportRecord, StrikeRecord } from '../ports/store.js';

/** Row -> record for both adapters: SQLite returns 0/1 where PostgreSQL returns booleans. */
export function toReportRecord(row: unknown): ReportRecord {
  const r = row as ReportRecord & { purged: unknown };
  return { ...r, purged: Boolean(r.purged) };
}

export function toStrikeRecord(row: unknown): StrikeRecord {
  const r = row as StrikeRecord & { automated: unknown };
  return { ...r, automated: Boolean(r.automated) };
}
