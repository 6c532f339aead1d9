import { REPORT_REASONS, type StrikeView } from '../../sdk.js';
import { endDate } from '../../format.js';

const DECISION: Record<StrikeView['kind'], string> = {
  warning: 'Warning',
  restriction: 'Restriction',
  ban: 'Ban',
};

/** The statement of reasons of a strike (what the EU's DSA Art. 17(3) asks), in plain words. */
export function StatementOfReasons({ strike }: { strike: StrikeView }) {
  const s = strike.statement;
  return (
    <dl className="facts statement" data-testid="statement-of-reasons">
      <div>
        <dt>Decision</dt>
        <dd data-testid="statement-decision">
          {DECISION[strike.kind]}: {s.restrictions}
        </dd>
      </div>
      <div>
        <dt>Until</dt>
        <dd data-testid="statement-ends">
          {strike.ends_at === null
            ? strike.kind === 'ban'
              ? 'Permanent'
              : 'Until a moderator has reviewed the reports'
            : endDate(strike.ends_at)}
        </dd>
      </div>
      <div>
        <dt>Rule</dt>
        <dd>
          {s.rule_explanation.startsWith(REPORT_REASONS[s.rule].label) ? null : (
            <strong>{REPORT_REASONS[s.rule].label}. </strong>
          )}
          {s.rule_explanation}
        </dd>
      </div>
      <div>
        <dt>Facts</dt>
        <dd data-testid="statement-facts">{s.facts}</dd>
      </div>
      <div>
        <dt>How it was decided</dt>
        <dd>
          {s.triggered_by_report ? 'A person reported messages they received. ' : ''}
          {s.automated_decision
            ? 'The restriction was applied automatically and waits for a moderator.'
            : 'A moderator decided.'}{' '}
          {s.automated_detection ? '' : 'OmeChat cannot read messages; nothing was detected automatically.'}
        </dd>
      </div>
      <div>
        <dt>Your options</dt>
        <dd>{s.redress}</dd>
      </div>
      {strike.appeal ? (
        <div>
          <dt>Your appeal</dt>
          <dd data-testid="statement-appeal" data-status={strike.appeal.status}>
            {strike.appeal.status === 'open'
              ? 'Sent. A person will review it.'
              : strike.appeal.status === 'upheld'
                ? 'Reviewed: the decision stays.'
                : 'Reviewed: the decision was overruled.'}
            {strike.appeal.decision_reason ? ` ${strike.appeal.decision_reason}` : ''}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}
