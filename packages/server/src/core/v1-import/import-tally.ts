/** Why an entry of a v1 file was not imported (docs/operations.md lists them). */
export const SKIP_REASONS = {
  malformed: 'malformed entry',
  duplicate_key: 'same hash as an earlier entry',
  duplicate_username: 'same username (case-insensitively) as an earlier entry',
  username_taken: 'username held by an account already here',
  orphan_client: 'owner not in user.json',
  owner_skipped: 'owner was skipped',
  client_conflict: 'client hash held by another account',
  device_limit: 'owner has the most devices an import may give',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/** Counts of one file. `already` are entries a previous run imported (idempotence). */
export interface PhaseTally {
  read: number;
  imported: number;
  already: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export type ImportPhase = 'users' | 'clients';

export interface ImportSummary {
  dryRun: boolean;
  users: PhaseTally;
  clients: PhaseTally;
  ms: number;
}

export const emptyTally = (): PhaseTally => ({ read: 0, imported: 0, already: 0, skipped: {} });

export const skippedCount = (t: PhaseTally): number =>
  Object.values(t.skipped).reduce((a, b) => a + (b ?? 0), 0);
