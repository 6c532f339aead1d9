import type {
  AccountSummary,
  AdminAppeal,
  AuditEntry,
  ModeratorInfo,
  ReportDetail,
  ReportSummary,
  StrikeView,
} from '@omechat/protocol';

/** Human-readable output of `omechat admin` (the `--json` output is the admin API's). */

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

export function account(a: AccountSummary | null): string {
  if (!a) return 'account: (deleted from the decision record)';
  const who = a.exists
    ? `${a.username} (${a.user_hash}), ${a.age} years, ${a.age_band}`
    : `${a.user_hash} (account deleted)`;
  const strikes = a.strikes.length
    ? a.strikes.map((s) => `${s.kind}/${s.reason}/${s.status} ${when(s.created_at)}`).join('; ')
    : 'none';
  return [
    `account: ${who}`,
    `  signed up ${a.signup_day ?? '-'}, last active ${a.last_active_day ?? '-'}, standing ${a.standing}`,
    `  previous strikes: ${strikes}; next ban on the ladder: ${a.next_ban}`,
  ].join('\n');
}

export function reportList(list: ReportSummary[]): string {
  if (list.length === 0) return 'no reports';
  return list
    .map(
      (r) =>
        `${r.report_id}  ${r.reason}  ${when(r.created_at)}  reporters: ${r.distinct_reporters}  ` +
        `messages: ${r.evidence?.length ?? 'purged'}  ${r.reported ? `${r.reported.username ?? r.reported.user_hash} (${r.reported.age_band ?? '?'}, ${r.reported.standing})` : ''}` +
        (r.resolution ? `  resolved: ${r.resolution.action} by ${r.resolution.resolved_by}` : ''),
    )
    .join('\n');
}

export function reportDetail(r: ReportDetail): string {
  const lines = [
    `report ${r.report_id}: ${r.reason} (severity ${r.severity}), ${r.status}, filed ${when(r.created_at)}`,
    `reporter age band: ${r.reporter_age_band ?? '-'}; distinct reporters: ${r.distinct_reporters}`,
    account(r.reported),
  ];
  if (r.note) lines.push(`note from the reporter: ${r.note}`);
  lines.push(
    r.evidence ? `evidence (${r.evidence.length} verified messages):` : 'evidence: deleted (retention)',
  );
  for (const e of r.evidence ?? []) lines.push(`  [${when(e.ts)}] ${e.body}`);
  for (const n of r.notes) lines.push(`internal note by ${n.author}, ${when(n.created_at)}: ${n.text}`);
  if (r.resolution)
    lines.push(
      `resolved ${when(r.resolution.resolved_at)} by ${r.resolution.resolved_by}: ${r.resolution.action}`,
    );
  return lines.join('\n');
}

export function strike(s: StrikeView): string {
  return [
    `strike ${s.strike_id}: ${s.kind} for ${s.reason}, ${s.status}, until ${s.ends_at === null ? '-' : when(s.ends_at)}`,
    `appeal id ${s.appeal_id} (until ${when(s.appeal_until)})`,
    'statement of reasons:',
    indent(
      [
        s.statement.restrictions,
        `facts: ${s.statement.facts}`,
        `rule: ${s.statement.rule_explanation}`,
        `decided ${s.statement.automated_decision ? 'automatically' : 'by a person'}; triggered by a report: ${s.statement.triggered_by_report ? 'yes' : 'no'}`,
        s.statement.redress,
      ].join('\n'),
    ),
  ].join('\n');
}

export function appealList(list: AdminAppeal[]): string {
  if (list.length === 0) return 'no appeals';
  return list
    .map((a) =>
      [
        `appeal ${a.appeal_id}: ${a.status}, filed ${when(a.created_at)}${a.decided_by ? `, decided by ${a.decided_by}: ${a.decision_reason}` : ''}`,
        indent(`${strike(a.strike)}\n${account(a.account)}\nthe user writes: ${a.text}`),
      ].join('\n'),
    )
    .join('\n\n');
}

export function moderatorList(list: ModeratorInfo[]): string {
  return list.length ? list.map((m) => `${m.name}  added ${when(m.created_at)}`).join('\n') : 'no moderators';
}

export function auditList(list: AuditEntry[]): string {
  if (list.length === 0) return 'the audit log is empty';
  return list
    .map(
      (e) =>
        `#${e.seq} ${when(e.at)} ${e.actor_kind}:${e.actor} ${e.action}` +
        `${e.target_kind ? ` ${e.target_kind}:${e.target_id}` : ''} — ${e.reason}`,
    )
    .join('\n');
}
