import { useState } from 'react';
import { MODERATOR_TOKEN_PATTERN, ModeratorApi, errorText } from '../../sdk.js';

/** Signing in with a moderator token (from `omechat admin moderators add NAME`), checked against the API. */
export function ModeratorSignIn({ onSignedIn }: { onSignedIn(token: string): void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="form card"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const t = token.trim();
        setError(null);
        if (!MODERATOR_TOKEN_PATTERN.test(t))
          return setError('That is not a moderator token (it starts with "m" and has a dot in it).');
        setBusy(true);
        try {
          await new ModeratorApi(location.origin, t).moderators();
          onSignedIn(t);
        } catch (err) {
          setError(errorText(err));
          setBusy(false);
        }
      }}
    >
      <h1 className="form-title">Moderator sign-in</h1>
      <p className="hint">
        Use the token the operator gave you. It is kept in this tab only and forgotten when you close it.
      </p>
      <div className="field">
        <label htmlFor="mod-token">Moderator token</label>
        <input
          id="mod-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          className="mono"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="mod-token"
        />
      </div>
      {error ? (
        <p className="form-error" role="alert" data-testid="mod-signin-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="mod-signin">
        {busy ? 'Checking…' : 'Sign in'}
      </button>
    </form>
  );
}
