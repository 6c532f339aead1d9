import { useState } from 'react';
import { IndexedDbKeyStore, OmeChatClient, errorCode, errorSanction, errorText } from '../sdk.js';
import type { BannedState } from './safety/banned-screen.js';
import { deviceLabel } from '../format.js';
import { parseRecoveryFile } from '../recovery-file.js';

export function SignInForm({
  onSignedIn,
  onBanned,
}: {
  onSignedIn(c: OmeChatClient): void;
  onBanned(b: BannedState): void;
}) {
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErr, setFieldErr] = useState<{ username?: string; secret?: string }>({});
  // Offered only once the secret failed its check: an old (server-made) secret is sent once to
  // be replaced; a mistyped new one must never be sent.
  const [askLegacy, setAskLegacy] = useState(false);
  const [legacy, setLegacy] = useState(false);

  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        // The secret is shown in groups: spaces typed between them are not part of it. (An old
        // server-made secret is sent as typed, trimmed.)
        const compact = secret.replace(/\s+/g, '');
        const typedSecret = /^[A-Za-z0-9]{64}$/.test(compact) ? compact : secret.trim();
        const missing = {
          ...(username.trim() ? {} : { username: 'Enter your pseudonym.' }),
          ...(typedSecret ? {} : { secret: 'Enter your 64-character secret, or open your recovery file.' }),
        };
        setFieldErr(missing);
        if (missing.username || missing.secret)
          return document.getElementById(missing.username ? 'si-username' : 'si-secret')?.focus();
        setBusy(true);
        try {
          const client = await OmeChatClient.signIn({
            baseUrl: location.origin,
            username: username.trim(),
            secret: typedSecret,
            keyStore: new IndexedDbKeyStore(),
            label: deviceLabel(),
            legacySecret: legacy,
          });
          onSignedIn(client);
        } catch (err) {
          if (errorCode(err) === 'ACCOUNT_BANNED')
            return onBanned({
              sanction: errorSanction(err) ?? null,
              username: username.trim(),
              secret: typedSecret,
            });
          if (errorCode(err) === 'SECRET_INVALID') setAskLegacy(true);
          setError(errorText(err));
          setBusy(false);
        }
      }}
    >
      <h2 className="form-title">Sign in on this device</h2>
      <div className="field">
        <label htmlFor="si-username">Pseudonym</label>
        <input
          id="si-username"
          name="username"
          autoComplete="username"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={fieldErr.username ? true : undefined}
          aria-describedby={fieldErr.username ? 'si-username-error' : undefined}
          data-testid="signin-username"
        />
        {fieldErr.username ? (
          <p id="si-username-error" className="field-error">
            {fieldErr.username}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="si-secret">Secret</label>
        <div className="input-with-button">
          <input
            id="si-secret"
            name="secret"
            type={show ? 'text' : 'password'}
            autoComplete="current-password"
            spellCheck={false}
            autoCapitalize="off"
            className="mono"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            aria-invalid={fieldErr.secret ? true : undefined}
            aria-describedby={fieldErr.secret ? 'si-secret-error si-secret-hint' : 'si-secret-hint'}
            data-testid="signin-secret"
          />
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-pressed={show}
            aria-controls="si-secret"
            onClick={() => setShow((s) => !s)}
          >
            {show ? 'Hide' : 'Show'}
          </button>
        </div>
        {fieldErr.secret ? (
          <p id="si-secret-error" className="field-error">
            {fieldErr.secret}
          </p>
        ) : null}
        <p id="si-secret-hint" className="hint">
          The 64-character secret you saved when you signed up.
        </p>
      </div>
      <div className="field">
        <label htmlFor="si-file" className="file-label">
          Or open your recovery file
        </label>
        <input
          id="si-file"
          type="file"
          accept=".txt,text/plain"
          className="file-input"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const parsed = parseRecoveryFile(await file.text());
            if (!parsed.secret) return setError('That file does not look like an OmeChat recovery file.');
            setError(null);
            setSecret(parsed.secret);
            if (parsed.username) setUsername(parsed.username);
          }}
        />
      </div>
      {askLegacy ? (
        <label className="check">
          <input
            type="checkbox"
            checked={legacy}
            onChange={(e) => setLegacy(e.target.checked)}
            data-testid="signin-legacy"
          />
          <span>
            This is my old secret, from before secrets were made on devices. It will be replaced by a new one
            right away.
          </span>
        </label>
      ) : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="signin-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="signin-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
