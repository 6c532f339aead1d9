import { useId, useState } from 'react';
import {
  REPORT_REASONS,
  REPORT_REASON_CODES,
  errorText,
  type ReportAction,
  type ReportReason,
  type ReportSummary,
  type SanctionDuration,
} from '../../sdk.js';

const ACTIONS: { value: ReportAction; label: string }[] = [
  { value: 'dismiss', label: 'Dismiss (no violation)' },
  { value: 'warn', label: 'Warn' },
  { value: 'restrict', label: 'Restrict' },
  { value: 'ban', label: 'Ban' },
];
const DURATIONS: SanctionDuration[] = ['24h', '7d', '30d', 'permanent'];
const MIN_STATEMENT = 10;

export interface Decision {
  action: ReportAction;
  statement: string;
  duration?: SanctionDuration;
  rule?: ReportReason;
}

/**
 * A decision on a report: the action, its duration (a ban's pre-filled from the escalation
 * ladder, a restriction's 7 days), the rule, and the statement of reasons the user will read.
 */
export function DecisionForm({
  report,
  onDecide,
}: {
  report: ReportSummary;
  onDecide(d: Decision): Promise<void>;
}) {
  const id = useId();
  const ladder = report.reported?.next_ban ?? '24h';
  const [action, setAction] = useState<ReportAction>('dismiss');
  const [duration, setDuration] = useState<SanctionDuration>(ladder);
  const [rule, setRule] = useState<ReportReason>(report.reason);
  const [statement, setStatement] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const timed = action === 'ban' || action === 'restrict';

  return (
    <form
      className="form decision-form"
      noValidate
      aria-label="Decision"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        if (statement.trim().length < MIN_STATEMENT)
          return setError(`Write the statement of reasons (at least ${MIN_STATEMENT} characters).`);
        setBusy(true);
        try {
          await onDecide({
            action,
            statement: statement.trim(),
            ...(timed ? { duration } : {}),
            ...(action !== 'dismiss' && rule !== report.reason ? { rule } : {}),
          });
        } catch (err) {
          setError(errorText(err));
          setBusy(false);
        }
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-action`}>Action</label>
        <select
          id={`${id}-action`}
          value={action}
          onChange={(e) => {
            const a = e.target.value as ReportAction;
            setAction(a);
            setDuration(a === 'ban' ? ladder : '7d');
          }}
          data-testid="decision-action"
        >
          {ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </div>
      {timed ? (
        <div className="field">
          <label htmlFor={`${id}-duration`}>Duration</label>
          <select
            id={`${id}-duration`}
            value={duration}
            onChange={(e) => setDuration(e.target.value as SanctionDuration)}
            aria-describedby={`${id}-ladder`}
            data-testid="decision-duration"
          >
            {DURATIONS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <p id={`${id}-ladder`} className="hint">
            {action === 'ban'
              ? `The escalation ladder proposes ${ladder}.${report.reason === 'sexual_content_minor' ? ' A ban for sexual content involving a minor is always permanent.' : ''}`
              : 'Restrictions default to 7 days.'}
          </p>
        </div>
      ) : null}
      {action !== 'dismiss' ? (
        <div className="field">
          <label htmlFor={`${id}-rule`}>Rule broken</label>
          <select id={`${id}-rule`} value={rule} onChange={(e) => setRule(e.target.value as ReportReason)}>
            {REPORT_REASON_CODES.map((r) => (
              <option key={r} value={r}>
                {REPORT_REASONS[r].label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-statement`}>Statement of reasons</label>
        <textarea
          id={`${id}-statement`}
          rows={3}
          value={statement}
          onChange={(e) => setStatement(e.target.value)}
          aria-describedby={`${id}-statement-hint`}
          data-testid="decision-statement"
        />
        <p id={`${id}-statement-hint`} className="hint">
          The facts you relied on and why they break the rule. The user reads it; never name the reporter.
        </p>
      </div>
      {error ? (
        <p className="form-error" role="alert" data-testid="decision-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="decision-submit">
        {busy ? 'Saving…' : 'Decide'}
      </button>
    </form>
  );
}
