import { useEffect, useRef, useState } from 'react';
import { OmeChatClient, errorText, type StrikeView } from '../../sdk.js';
import { StatementOfReasons } from './statement-of-reasons.js';
import { AppealForm } from './appeal-form.js';

/** A ban learnt from the closed socket or from sign-in; the secret only when just typed (memory only). */
export interface BannedState {
  sanction: StrikeView | null;
  username: string;
  secret?: string;
}

export interface BannedScreenProps {
  /** The ban with its statement; null when only the closed socket told us (ask for the standing). */
  sanction: StrikeView | null;
  username: string;
  secret?: string;
  onDone(): void;
}

/** Shown when the account is banned: the statement of reasons, the end, and the appeal form. */
export function BannedScreen({ sanction, username, secret, onDone }: BannedScreenProps) {
  const [strike, setStrike] = useState(sanction);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <main className="page banned" id="main" data-testid="banned-screen">
      <section className="card card-danger" aria-labelledby="banned-title">
        <h1 id="banned-title" className="page-title" tabIndex={-1} ref={heading}>
          Your account is banned
        </h1>
        <p>
          You were signed out on every device.{' '}
          {strike?.ends_at ? 'You can sign in again when the ban ends.' : ''}
        </p>
        {strike ? (
          <>
            <StatementOfReasons strike={strike} />
            {strike.appeal ? (
              <p className="notice" role="status" data-testid="appeal-sent">
                {strike.appeal.status === 'open'
                  ? 'Your appeal was sent. A person will review it; sign in later to see the decision.'
                  : 'Your appeal was decided (see above).'}
              </p>
            ) : (
              <AppealForm
                strike={strike}
                username={username}
                {...(secret ? { secret } : {})}
                onAppealed={setStrike}
                headingLevel={2}
              />
            )}
          </>
        ) : (
          <form
            className="form"
            onSubmit={async (e) => {
              e.preventDefault();
              const s = String(new FormData(e.currentTarget).get('secret') ?? '').trim();
              try {
                const standing = await OmeChatClient.standingOf({
                  baseUrl: location.origin,
                  username,
                  secret: s,
                });
                setStrike(standing.banned);
                if (!standing.banned) setError('The ban has ended. You can sign in again.');
              } catch (err) {
                setError(errorText(err));
              }
            }}
          >
            <div className="field">
              <label htmlFor="banned-secret">Your secret, to see the decision and appeal</label>
              <input
                id="banned-secret"
                name="secret"
                type="password"
                className="mono"
                autoComplete="current-password"
              />
            </div>
            <button type="submit" className="btn btn-primary">
              Show the decision
            </button>
          </form>
        )}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="button" className="btn btn-ghost" onClick={onDone} data-testid="banned-done">
          Back to the start
        </button>
      </section>
    </main>
  );
}
