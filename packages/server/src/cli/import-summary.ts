import {
  SKIP_REASONS,
  skippedCount,
  type ImportSummary,
  type PhaseTally,
  type SkipReason,
} from '../core/v1-import/import-tally.js';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m ${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const line = (name: string, t: PhaseTally, verb: string) =>
  `  ${name}: ${t.read} read, ${t.imported} ${verb}, ${t.already} already there, ${skippedCount(t)} skipped\n`;

/** The closing report of `omechat import-v1`: what was imported, what was skipped and why, how long. */
export function formatSummary(s: ImportSummary): string {
  const verb = s.dryRun ? 'to import' : 'imported';
  let out = s.dryRun ? 'import-v1 dry run: nothing was written.\n' : 'import-v1 done.\n';
  out += line('users', s.users, verb) + line('clients', s.clients, verb);
  const reasons = (Object.keys(SKIP_REASONS) as SkipReason[]).filter(
    (r) => (s.users.skipped[r] ?? 0) + (s.clients.skipped[r] ?? 0) > 0,
  );
  if (reasons.length > 0) {
    out += '  skipped by reason:\n';
    for (const r of reasons) {
      const parts = [];
      if (s.users.skipped[r]) parts.push(`${s.users.skipped[r]} users`);
      if (s.clients.skipped[r]) parts.push(`${s.clients.skipped[r]} clients`);
      out += `    ${SKIP_REASONS[r]}: ${parts.join(', ')}\n`;
    }
  }
  if (s.users.imported + s.clients.imported === 0 && s.users.already + s.clients.already > 0)
    out += `  Nothing ${s.dryRun ? 'to import' : 'imported'}: every valid entry was imported before.\n`;
  else if (s.users.imported + s.clients.imported === 0) out += `  Nothing ${verb}.\n`;
  out += `  time: ${formatDuration(s.ms)}\n`;
  return out;
}
