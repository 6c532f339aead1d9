import { useMemo, useState } from 'react';
import { ModeratorApi } from '../../sdk.js';
import { ThemeToggle } from '../theme-toggle.js';
import { ModeratorSignIn } from './moderator-sign-in.js';
import { ReportQueue } from './report-queue.js';
import { AppealQueue } from './appeal-queue.js';

// The token lives in this tab only (sessionStorage): gone when the tab closes, never on disk for long.
const TOKEN_KEY = 'omechat.moderator-token';

/** The moderators' page (`#/moderation`): the report queue and the appeals, on the admin API. */
export function ModerationPage() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY));
  const [tab, setTab] = useState<'reports' | 'appeals'>('reports');
  const api = useMemo(() => (token ? new ModeratorApi(location.origin, token) : null), [token]);
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
  };

  return (
    <div className="moderation">
      <header className="topbar">
        <span className="brand">
          <span className="brand-name">OmeChat moderation</span>
        </span>
        {api ? (
          <nav className="tabs" aria-label="Moderation">
            {(['reports', 'appeals'] as const).map((t) => (
              <button
                key={t}
                type="button"
                className="tab"
                aria-current={tab === t ? 'page' : undefined}
                onClick={() => setTab(t)}
                data-testid={`mod-tab-${t}`}
              >
                {t === 'reports' ? 'Reports' : 'Appeals'}
              </button>
            ))}
          </nav>
        ) : null}
        <div className="topbar-end">
          {api ? (
            <button type="button" className="btn btn-ghost btn-small" onClick={signOut}>
              Sign out
            </button>
          ) : null}
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="page moderation-main">
        {!api ? (
          <ModeratorSignIn
            onSignedIn={(t) => {
              sessionStorage.setItem(TOKEN_KEY, t);
              setToken(t);
            }}
          />
        ) : tab === 'reports' ? (
          <ReportQueue api={api} onUnauthenticated={signOut} />
        ) : (
          <AppealQueue api={api} onUnauthenticated={signOut} />
        )}
      </main>
    </div>
  );
}
