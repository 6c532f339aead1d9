import { useId, useState } from 'react';
import { errorText, type AdminAppeal, type ModeratorApi } from '../../sdk.js';
import { fullTime } from '../../format.js';
import { StatementOfReasons } from '../safety/statement-of-reasons.js';
import { AccountRecord } from './account-record.js';
import { NotesPanel } from './notes-panel.js';

export interface AppealCardProps {
  api: ModeratorApi;
  appeal: AdminAppeal;
  onDecided(text: string): void;
}

/** One appeal: the strike and its statement, the user's text, the account, notes, the decision. */
export function AppealCard({ api, appeal, onDecided }: AppealCardProps) {
  const id = useId();
  const [decision, setDecision] = useState<'uphold' | 'overrule'>('uphold');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <article className="card appeal-card" aria-labelledby={`${id}-title`} data-testid="appeal-card">
      <h2 id={`${id}-title`} className="card-title">
        Appeal of a {appeal.strike.kind} ({appeal.strike.reason})
      </h2>
      <p className="small muted">Appealed {fullTime(appeal.created_at)}</p>
      <blockquote className="appeal-text" data-testid="appeal-card-text">
        {appeal.text}
      </blockquote>
      <details>
        <summary>The decision appealed</summary>
        <StatementOfReasons strike={appeal.strike} />
      </details>
      <AccountRecord account={appeal.account} />
      <NotesPanel api={api} target="appeals" id={appeal.appeal_id} notes={appeal.notes} />
      <form
        className="form"
        noValidate
        aria-label="Decide the appeal"
        onSubmit={async (e) => {
          e.preventDefault();
          if (reason.trim().length < 10)
            return setError('Write the reason the user will read (at least 10 characters).');
          setBusy(true);
          try {
            await api.decideAppeal(appeal.appeal_id, { decision, reason: reason.trim() });
            onDecided(
              `Appeal ${decision === 'uphold' ? 'decided: the decision stays' : 'decided: overruled'}.`,
            );
          } catch (err) {
            setError(errorText(err));
            setBusy(false);
          }
        }}
      >
        <fieldset>
          <legend>Decision</legend>
          <label className="check">
            <input
              type="radio"
              name={`${id}-d`}
              checked={decision === 'uphold'}
              onChange={() => setDecision('uphold')}
              data-testid="appeal-uphold"
            />
            <span>Uphold (the decision stays)</span>
          </label>
          <label className="check">
            <input
              type="radio"
              name={`${id}-d`}
              checked={decision === 'overrule'}
              onChange={() => setDecision('overrule')}
              data-testid="appeal-overrule"
            />
            <span>Overrule (lift it; it no longer counts)</span>
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason (the user reads it)</label>
          <textarea
            id={`${id}-reason`}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="appeal-reason"
          />
        </div>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="appeal-decide">
          Decide
        </button>
      </form>
    </article>
  );
}
