import { useCallback, useRef, useState } from 'react';
import type { OmeChatClient } from '../sdk.js';
import type { BannedState } from './safety/banned-screen.js';
import { SignUpForm } from './sign-up-form.js';
import { SignInForm } from './sign-in-form.js';
import { ThemeToggle } from './theme-toggle.js';
import { Icon, type IconName } from './icons.js';

const POINTS: { icon: IconName; title: string; text: string }[] = [
  { icon: 'users', title: 'Anonymous', text: 'A pseudonym and your age. No email, no phone number.' },
  {
    icon: 'lock',
    title: 'End-to-end encrypted',
    text: 'Messages are locked on your device. We cannot read them.',
  },
  {
    icon: 'shield',
    title: 'Your own age',
    text: 'You only meet people close to your age. Teens never meet adults.',
  },
];

export function WelcomeScreen({
  onSignedIn,
  onBanned,
  notice,
}: {
  onSignedIn(c: OmeChatClient): void;
  onBanned(b: BannedState): void;
  notice?: string;
}) {
  const [mode, setMode] = useState<'signup' | 'signin'>('signup');
  // While the one-time secret is shown, nothing on this page leads away from it (it would be lost).
  const [revealing, setRevealing] = useState(false);
  const onRevealing = useCallback((r: boolean) => setRevealing(r), []);
  const card = useRef<HTMLElement>(null);
  const getStarted = () => {
    setMode('signup');
    // After the switch renders the form: bring it up and put the cursor in the first field.
    requestAnimationFrame(() => {
      card.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
      document.getElementById('su-username')?.focus({ preventScroll: true });
    });
  };
  return (
    <div className="welcome">
      <header className="welcome-top">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="chats" size={18} />
          </span>
          OmeChat
        </span>
        <ThemeToggle />
      </header>
      <main className="welcome-main" id="main">
        <section className="welcome-intro" aria-labelledby="welcome-title">
          <h1 id="welcome-title">Talk to a stranger your own age.</h1>
          <p className="lead">Meet someone new, privately. Leave whenever you like.</p>
          {revealing ? null : (
            <button
              type="button"
              className="btn btn-primary btn-large get-started"
              onClick={getStarted}
              data-testid="get-started"
            >
              Get started
            </button>
          )}
          <ul className="points">
            {POINTS.map((p) => (
              <li key={p.title}>
                <span className="point-icon">
                  <Icon name={p.icon} />
                </span>
                <span>
                  <strong>{p.title}</strong>
                  <span className="muted">{p.text}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card welcome-card" aria-label="Account" ref={card}>
          {notice ? (
            <p className="notice" role="alert">
              {notice}
            </p>
          ) : null}
          {revealing ? null : (
            <div className="segmented" role="group" aria-label="Choose">
              <button
                type="button"
                aria-pressed={mode === 'signup'}
                onClick={() => setMode('signup')}
                data-testid="mode-signup"
              >
                New here
              </button>
              <button
                type="button"
                aria-pressed={mode === 'signin'}
                onClick={() => setMode('signin')}
                data-testid="mode-signin"
              >
                I have an account
              </button>
            </div>
          )}
          {mode === 'signup' ? (
            <SignUpForm onSignedIn={onSignedIn} onRevealing={onRevealing} />
          ) : (
            <SignInForm onSignedIn={onSignedIn} onBanned={onBanned} />
          )}
        </section>
      </main>
    </div>
  );
}
