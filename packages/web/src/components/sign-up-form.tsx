import { useId, useState } from 'react';
import { OmeChatClient, errorText } from '../sdk.js';
import { SecretReveal } from './secret-reveal.js';
import { SignupWorkProgress, type SignupWork } from './signup-work-progress.js';

interface Created {
  username: string;
  secret: string;
  age: number;
}

export function SignUpForm({ onSignedIn }: { onSignedIn(c: OmeChatClient): void }) {
  const [username, setUsername] = useState('');
  const [age, setAge] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [work, setWork] = useState<SignupWork | null>(null);
  const errId = useId();

  if (created) return <SecretReveal {...created} onSignedIn={onSignedIn} />;

  const ageNum = Number(age);
  const ageOk = /^\d{1,3}$/.test(age) && ageNum >= 13 && ageNum <= 120;

  return (
    <form
      className="form"
      aria-describedby={error ? errId : undefined}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        const name = username.trim();
        if (name.length < 3 || name.length > 32) return setError('Pick a pseudonym of 3 to 32 characters.');
        if (!ageOk)
          return setError(
            ageNum > 0 && ageNum < 13
              ? 'OmeChat is for people aged 13 and up.'
              : 'Enter your age as a whole number.',
          );
        setBusy(true);
        try {
          const acc = await OmeChatClient.createAccount(
            location.origin,
            { username: name, age: ageNum },
            {
              onChallenge: ({ max }) => setWork(max > 0 ? { tried: 0, max } : null),
              onProgress: (p) => setWork(p),
            },
          );
          setCreated({ username: acc.username, secret: acc.secret, age: acc.age });
        } catch (err) {
          setError(errorText(err));
        } finally {
          setBusy(false);
          setWork(null);
        }
      }}
    >
      <h2 className="form-title">Create an account</h2>
      <div className="field">
        <label htmlFor="su-username">Pseudonym</label>
        <input
          id="su-username"
          name="username"
          autoComplete="off"
          spellCheck={false}
          maxLength={32}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-describedby="su-username-hint"
          data-testid="signup-username"
        />
        <p id="su-username-hint" className="hint">
          3–32 characters. Not your real name.
        </p>
      </div>
      <div className="field">
        <label htmlFor="su-age">Age</label>
        <input
          id="su-age"
          name="age"
          inputMode="numeric"
          type="number"
          min={13}
          max={120}
          required
          className="input-short"
          value={age}
          onChange={(e) => setAge(e.target.value)}
          aria-describedby="su-age-hint"
          data-testid="signup-age"
        />
        <p id="su-age-hint" className="hint">
          Your age decides who you can meet and cannot be changed later. Be honest: it keeps teens and adults
          apart.
        </p>
      </div>
      {work ? <SignupWorkProgress work={work} /> : null}
      {error ? (
        <p id={errId} className="form-error" role="alert" data-testid="signup-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="signup-submit">
        {work ? 'Checking…' : busy ? 'Creating…' : 'Create account'}
      </button>
    </form>
  );
}
