import { useId, useState } from 'react';
import { MAX_APPEAL_TEXT_CHARS, OmeChatClient, errorText, type StrikeView } from '../../sdk.js';

export interface AppealFormProps {
  strike: StrikeView;
  username: string;
  /** Known when the user just typed it to sign in; otherwise asked for (never stored). */
  secret?: string;
  onAppealed(strike: StrikeView): void;
  /** The level of the form's heading in the page's outline. */
  headingLevel?: 2 | 3;
}

/** Appeals a strike with username + secret: a banned account has no signed-in device. */
export function AppealForm({
  strike,
  username,
  secret: knownSecret,
  onAppealed,
  headingLevel = 3,
}: AppealFormProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const id = useId();
  const [text, setText] = useState('');
  const [secret, setSecret] = useState(knownSecret ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const closed = Date.now() > strike.appeal_until;
  if (strike.appeal) return null;
  if (closed) return <p className="hint">The time to appeal this decision is over.</p>;

  return (
    <form
      className="form appeal-form"
      aria-labelledby={`${id}-title`}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        if (!text.trim()) return setError('Say why the decision is wrong.');
        if (!secret.trim()) return setError('Enter your secret to prove it is your account.');
        setBusy(true);
        try {
          const appeal = await OmeChatClient.appeal({
            baseUrl: location.origin,
            username,
            secret: secret.trim(),
            appeal_id: strike.appeal_id,
            text: text.trim(),
          });
          onAppealed({ ...strike, appeal });
        } catch (err) {
          setError(errorText(err));
          setBusy(false);
        }
      }}
    >
      <Heading id={`${id}-title`} className="form-title">
        Appeal this decision
      </Heading>
      <p className="hint">
        A person, not a machine, reviews every appeal. You can appeal once, until{' '}
        {new Date(strike.appeal_until).toLocaleDateString()}.
      </p>
      {knownSecret ? null : (
        <div className="field">
          <label htmlFor={`${id}-secret`}>Your secret</label>
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="current-password"
            className="mono"
            spellCheck={false}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            data-testid="appeal-secret"
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-text`}>Why is the decision wrong?</label>
        <textarea
          id={`${id}-text`}
          rows={4}
          maxLength={MAX_APPEAL_TEXT_CHARS}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="appeal-text"
        />
      </div>
      {error ? (
        <p className="form-error" role="alert" data-testid="appeal-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="appeal-submit">
        {busy ? 'Sending…' : 'Send appeal'}
      </button>
    </form>
  );
}
