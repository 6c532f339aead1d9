import { useState } from 'react';
import { IndexedDbKeyStore, OmeChatClient, errorCode, errorText } from '../sdk.js';

export interface ReplaceSecretCardProps {
  client: OmeChatClient;
  onSecretRotated(c: OmeChatClient, secret: string): void;
}

/**
 * "I fear my secret leaked": proves the current secret, makes a new one on this device and signs
 * out every other device. Partners see that the safety number changed.
 */
export function ReplaceSecretCard({ client, onSecretRotated }: ReplaceSecretCardProps) {
  const [secret, setSecret] = useState('');
  const [legacy, setLegacy] = useState(false);
  const [askLegacy, setAskLegacy] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="rotate-title">
      <h2 id="rotate-title" className="card-title">
        Replace your secret
      </h2>
      <p className="hint">
        If someone may have seen your secret, replace it. Every other device is signed out, and your chat
        partners are told that your safety number changed. Your chats on this device stay.
      </p>
      <form
        className="form-inline"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          if (!secret.trim()) return setError('Enter your current secret.');
          setBusy(true);
          try {
            const fresh = await client.rotateSecret(secret, legacy);
            const next = await OmeChatClient.restore({
              baseUrl: location.origin,
              keyStore: new IndexedDbKeyStore(),
            });
            if (!next)
              throw new Error('This device could not be set up again. Sign in with your new secret.');
            onSecretRotated(next, fresh);
          } catch (err) {
            if (errorCode(err) === 'SECRET_INVALID') setAskLegacy(true);
            setError(errorText(err));
            setBusy(false);
          }
        }}
      >
        <div className="field">
          <label htmlFor="rotate-secret">Current secret</label>
          <input
            id="rotate-secret"
            type="password"
            autoComplete="current-password"
            spellCheck={false}
            autoCapitalize="off"
            className="mono"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            data-testid="rotate-secret-input"
          />
        </div>
        {askLegacy ? (
          <label className="check">
            <input type="checkbox" checked={legacy} onChange={(e) => setLegacy(e.target.checked)} />
            <span>This is my old secret, from before secrets were made on devices.</span>
          </label>
        ) : null}
        {error ? (
          <p className="form-error" role="alert" data-testid="rotate-secret-error">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          className="btn btn-secondary"
          disabled={busy}
          data-testid="rotate-secret-submit"
        >
          {busy ? 'Replacing…' : 'Replace my secret'}
        </button>
      </form>
    </section>
  );
}
