import { useEffect, useRef, useState } from 'react';
import { OmeChatClient, errorCode, errorText } from '../sdk.js';
import { AGE_RULE, PSEUDONYM_RULE, ageError, pseudonymError } from '../signup-rules.js';
import { SecretReveal } from './secret-reveal.js';
import { SignupWorkProgress, type SignupWork } from './signup-work-progress.js';

interface Created {
  username: string;
  secret: string;
  age: number;
}

interface FieldErrors {
  username?: string;
  age?: string;
  form?: string;
}

export interface SignUpFormProps {
  onSignedIn(c: OmeChatClient): void;
  /** True while the one-time secret is on screen: the page must not offer a way away from it. */
  onRevealing?(revealing: boolean): void;
}

export function SignUpForm({ onSignedIn, onRevealing }: SignUpFormProps) {
  const [username, setUsername] = useState('');
  const [age, setAge] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<Created | null>(null);
  const [work, setWork] = useState<SignupWork | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const ageRef = useRef<HTMLInputElement>(null);

  useEffect(() => onRevealing?.(created !== null), [created, onRevealing]);

  if (created) return <SecretReveal {...created} onSignedIn={onSignedIn} />;

  // Each field names its hint and, when wrong, its error; the error states the rule.
  const describedBy = (field: 'username' | 'age') =>
    errors[field] ? `su-${field}-error su-${field}-hint` : `su-${field}-hint`;

  return (
    <form
      className="form"
      id="signup-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const found: FieldErrors = {};
        const u = pseudonymError(username);
        const a = ageError(age);
        if (u) found.username = u;
        if (a) found.age = a;
        setErrors(found);
        if (u || a) return (u ? usernameRef : ageRef).current?.focus();
        setBusy(true);
        try {
          const acc = await OmeChatClient.createAccount(
            location.origin,
            { username: username.trim(), age: Number(age.trim()) },
            {
              onChallenge: ({ max }) => setWork(max > 0 ? { tried: 0, max } : null),
              onProgress: (p) => setWork(p),
            },
          );
          setCreated({ username: acc.username, secret: acc.secret, age: acc.age });
        } catch (err) {
          const code = errorCode(err);
          if (code === 'USERNAME_TAKEN' || code === 'USERNAME_INVALID') {
            setErrors({ username: code === 'USERNAME_INVALID' ? PSEUDONYM_RULE : errorText(err) });
            usernameRef.current?.focus();
          } else if (code === 'AGE_INVALID') {
            setErrors({ age: AGE_RULE });
            ageRef.current?.focus();
          } else setErrors({ form: errorText(err) });
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
          ref={usernameRef}
          id="su-username"
          name="username"
          autoComplete="off"
          spellCheck={false}
          maxLength={32}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={errors.username ? true : undefined}
          aria-describedby={describedBy('username')}
          data-testid="signup-username"
        />
        {errors.username ? (
          <p id="su-username-error" className="field-error" data-testid="signup-username-error">
            {errors.username}
          </p>
        ) : null}
        <p id="su-username-hint" className="hint">
          3–32 characters. Not your real name.
        </p>
      </div>
      <div className="field">
        <label htmlFor="su-age">Age</label>
        <input
          ref={ageRef}
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
          aria-invalid={errors.age ? true : undefined}
          aria-describedby={describedBy('age')}
          data-testid="signup-age"
        />
        {errors.age ? (
          <p id="su-age-error" className="field-error" data-testid="signup-age-error">
            {errors.age}
          </p>
        ) : null}
        <p id="su-age-hint" className="hint">
          Your age decides who you can meet and cannot be changed later. Be honest: it keeps teens and adults
          apart.
        </p>
      </div>
      {work ? <SignupWorkProgress work={work} /> : null}
      {errors.form ? (
        <p className="form-error" role="alert" data-testid="signup-error">
          {errors.form}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="signup-submit">
        {work ? 'Checking…' : busy ? 'Creating…' : 'Create account'}
      </button>
    </form>
  );
}
