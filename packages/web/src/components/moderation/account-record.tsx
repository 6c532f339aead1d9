import { REPORT_REASONS, type AccountSummary } from '../../sdk.js';
import { dayText } from '../../format.js';

const BAND: Record<string, string> = { 'minor-young': '13-15', 'minor-old': '16-17', adult: 'adult' };

/** What a moderator sees of the reported account: never its secret, devices or chats. */
export function AccountRecord({ account }: { account: AccountSummary }) {
  if (!account.exists) return <p className="muted">The account was deleted since.</p>;
  return (
    <div className="account-record" data-testid="account-record">
      <dl className="facts">
        <div>
          <dt>Account</dt>
          <dd>
            <strong>{account.username}</strong>{' '}
            <span className="muted mono">{account.user_hash.slice(0, 12)}…</span>
          </dd>
        </div>
        <div>
          <dt>Age</dt>
          <dd data-testid="account-age">
            {account.age} ({account.age_band ? BAND[account.age_band] : '—'})
          </dd>
        </div>
        <div>
          <dt>Signed up</dt>
          <dd>{account.signup_day ?? '—'}</dd>
        </div>
        <div>
          <dt>Last active</dt>
          <dd>{account.last_active_day ?? '—'}</dd>
        </div>
        <div>
          <dt>Standing</dt>
          <dd data-testid="account-standing">{account.standing}</dd>
        </div>
      </dl>
      <h3 className="small">Previous strikes ({account.strikes.length})</h3>
      {account.strikes.length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <ul className="strike-list" data-testid="account-strikes">
          {account.strikes.map((s) => (
            <li key={s.strike_id}>
              {s.kind} for {REPORT_REASONS[s.reason].label.toLowerCase()} on {dayText(s.created_at)} ·{' '}
              {s.status}
              {s.automated ? ' · automatic' : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
