import { useState } from 'react';
import type { StrikeView } from '../../sdk.js';
import { endDate } from '../../format.js';
import { StatementOfReasons } from './statement-of-reasons.js';
import { AppealForm } from './appeal-form.js';

export interface RestrictionNoticeProps {
  strike: StrikeView;
  username: string;
  onDismiss?: () => void;
}

/** A banner while the account is restricted (or just warned), with the statement and the appeal. */
export function RestrictionNotice({ strike: initial, username, onDismiss }: RestrictionNoticeProps) {
  const [strike, setStrike] = useState(initial);
  const restricted = strike.kind === 'restriction';
  return (
    <section
      className="banner warning restriction-notice"
      aria-labelledby="restriction-title"
      data-testid="restriction-notice"
      data-kind={strike.kind}
    >
      <h2 id="restriction-title" className="card-title">
        {restricted ? 'Your account is restricted' : 'You received a warning'}
      </h2>
      <p>
        {restricted
          ? `You cannot meet new people (${strike.ends_at === null ? 'until a moderator has reviewed the reports' : `until ${endDate(strike.ends_at)}`}). You can still read, block, report and appeal.`
          : 'Nothing is restricted, but further violations lead to a ban.'}
      </p>
      <details>
        <summary>Why, and how to appeal</summary>
        <StatementOfReasons strike={strike} />
        <AppealForm strike={strike} username={username} onAppealed={setStrike} />
      </details>
      {onDismiss ? (
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss}>
          Hide
        </button>
      ) : null}
    </section>
  );
}
