import { useState } from 'react';
import type { OmeChatClient } from '../sdk.js';
import { errorCode, errorText } from '../sdk.js';
import type { Session } from '../use-session.js';
import { reachableAges } from '../age-rules.js';
import { ToleranceControl } from './tolerance-control.js';
import { BrowsePanel } from './browse-panel.js';
import { Icon } from './icons.js';

export interface HomeScreenProps {
  client: OmeChatClient;
  session: Session;
  tolerance: number;
  setTolerance(v: number): void;
  notify(text: string, tone?: 'info' | 'error'): void;
  openChat(chat_id: string): void;
}

export function HomeScreen({ client, session, tolerance, setTolerance, notify, openChat }: HomeScreenProps) {
  const [error, setError] = useState<string | null>(null);
  const waiting = session.state.search === 'waiting';
  const active = Object.values(session.state.chats).find((c) => c.active);
  const range = reachableAges(client.age, tolerance);

  return (
    <div className="page home">
      <h1 className="page-title">Hi {client.username}</h1>
      {active ? (
        <div className="banner" data-testid="active-chat-banner">
          <span>
            You are chatting with <strong>{active.partner.username}</strong>.
          </span>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => openChat(active.chat_id)}
          >
            Open chat
          </button>
        </div>
      ) : null}
      <div className="home-grid">
        <section className="card" aria-labelledby="meet-title">
          <h2 id="meet-title" className="card-title">
            <Icon name="search" /> Meet a stranger
          </h2>
          <ToleranceControl age={client.age} value={tolerance} onChange={setTolerance} disabled={waiting} />
          {waiting ? (
            <div className="waiting" role="status" aria-live="polite" data-testid="waiting">
              <span className="pulse" aria-hidden="true" />
              <div>
                <strong>Looking for someone…</strong>
                <p className="muted">
                  Aged {range.min}–{range.max}. You can leave this page; we will open the chat when someone is
                  found.
                </p>
              </div>
              <button
                type="button"
                className="btn btn-secondary"
                data-testid="cancel-search"
                onClick={() => session.cancelFind().catch((e: unknown) => notify(errorText(e), 'error'))}
              >
                Cancel
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="btn btn-primary btn-large btn-block"
              data-testid="find-stranger"
              onClick={async () => {
                setError(null);
                try {
                  await session.find(tolerance);
                } catch (e) {
                  setError(
                    errorCode(e) === 'ALREADY_IN_CHAT'
                      ? 'Leave your current chat (or press Next in it) before looking for someone new.'
                      : errorText(e),
                  );
                }
              }}
            >
              Find a stranger
            </button>
          )}
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </section>
        <BrowsePanel
          client={client}
          tolerance={tolerance}
          online={session.state.connection === 'online'}
          notify={notify}
        />
      </div>
    </div>
  );
}
