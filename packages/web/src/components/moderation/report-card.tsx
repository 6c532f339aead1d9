import { useEffect, useState } from 'react';
import {
  REPORT_REASONS,
  errorText,
  type ModeratorApi,
  type ReportDetail,
  type ReportSummary,
} from '../../sdk.js';
import { fullTime } from '../../format.js';
import { AccountRecord } from './account-record.js';
import { DecisionForm } from './decision-form.js';
import { EvidenceList } from './evidence-list.js';
import { NotesPanel } from './notes-panel.js';

const BAND: Record<string, string> = { 'minor-young': '13-15', 'minor-old': '16-17', adult: 'an adult' };

export interface ReportCardProps {
  api: ModeratorApi;
  report: ReportSummary;
  selected: boolean;
  onSelect(selected: boolean): void;
  onResolved(text: string): void;
  onDismissFlood(reported: string): void;
}

/** One open report: reason, verified evidence, the reported account's record, notes, the decision. */
export function ReportCard({ api, report, selected, onSelect, onResolved, onDismissFlood }: ReportCardProps) {
  const [detail, setDetail] = useState<ReportDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.report(report.report_id).then(setDetail, (e: unknown) => setError(errorText(e)));
  }, [api, report.report_id]);
  const titleId = `report-${report.report_id}`;
  const reason = REPORT_REASONS[report.reason];

  return (
    <article
      className="card report-card"
      aria-labelledby={titleId}
      data-testid="report-card"
      data-reason={report.reason}
      data-report-id={report.report_id}
    >
      <header className="report-head">
        <label className="check">
          <input
            type="checkbox"
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
            data-testid="report-select"
          />
          <span className="sr-only">Select for bulk dismissal</span>
        </label>
        <h2 id={titleId} className="card-title">
          {reason.label}
          <span className={`tag severity-${report.severity}`}>severity {report.severity}</span>
        </h2>
      </header>
      <p className="small muted">
        Reported {fullTime(report.created_at)} by someone aged{' '}
        {report.reporter_age_band ? BAND[report.reporter_age_band] : 'unknown'} ·{' '}
        <span data-testid="distinct-reporters">{report.distinct_reporters}</span> different{' '}
        {report.distinct_reporters === 1 ? 'person has' : 'people have'} open reports against this account
      </p>
      {report.note ? <blockquote className="report-note">{report.note}</blockquote> : null}
      <h3 className="small">Verified messages</h3>
      <EvidenceList evidence={report.evidence} />
      {report.reported ? <AccountRecord account={report.reported} /> : null}
      {detail ? <NotesPanel api={api} target="reports" id={report.report_id} notes={detail.notes} /> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <DecisionForm
        report={report}
        onDecide={async (d) => {
          const r = await api.resolveReport(report.report_id, d);
          onResolved(
            `Report decided: ${d.action}${r.strike ? ` (${r.strike.kind}, ${r.strike.statement.duration ?? ''})` : ''}.`,
          );
        }}
      />
      {report.reported && report.distinct_reporters > 1 ? (
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => onDismissFlood(report.reported!.user_hash)}
          data-testid="dismiss-flood"
        >
          Dismiss every open report against {report.reported.username}
        </button>
      ) : null}
    </article>
  );
}
