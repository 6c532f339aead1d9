import { useCallback, useEffect, useRef, useState } from 'react';
import type { OmeChatClient, StrikeView } from '../sdk.js';
import { errorText } from '../sdk.js';
import { useSession } from '../use-session.js';
import { useHashRoute } from '../use-hash-route.js';
import { clampTolerance, maxTolerance } from '../age-rules.js';
import { saveTolerance, storedTolerance } from '../prefs.js';
import { TopBar } from './top-bar.js';
import { HomeScreen } from './home-screen.js';
import { ChatsScreen } from './chats-screen.js';
import { SettingsScreen } from './settings-screen.js';
import { InvitePrompt } from './invite-prompt.js';
import { Toasts, type Toast } from './toasts.js';
import { useStanding } from '../use-standing.js';
import { RestrictionNotice } from './safety/restriction-notice.js';
import { useUnreadTitle } from '../use-unread-title.js';
import { useBackgroundNotifications } from '../use-background-notifications.js';
import { OfflineBanner } from './offline-banner.js';

const connected = new WeakSet<OmeChatClient>();

export interface SignedInAppProps {
  client: OmeChatClient;
  onSignedOut(reason: 'revoked' | 'deleted' | 'local' | 'banned'): void;
  onBanned(sanction: StrikeView | null): void;
  /** The secret was replaced in settings: `c` is the re-keyed client, `secret` is shown once. */
  onSecretRotated(c: OmeChatClient, secret: string): void;
}

export function SignedInApp({ client, onSignedOut, onBanned, onSecretRotated }: SignedInAppProps) {
  const [route, go] = useHashRoute();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [tolerance, setToleranceState] = useState(() =>
    clampTolerance(client.age, storedTolerance() ?? Math.min(2, maxTolerance(client.age))),
  );
  const toastSeq = useRef(0);

  const notify = useCallback((text: string, tone: Toast['tone'] = 'info') => {
    const id = ++toastSeq.current;
    setToasts((t) => [...t.slice(-3), { id, text, tone }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), tone === 'error' ? 8000 : 5000);
  }, []);

  const strikeRef = useRef<(s: StrikeView) => void>(() => {});
  const session = useSession(client, {
    notify,
    onChatStarted: (chat_id) => go({ view: 'chats', chat_id }),
    onSignedOut,
    onBanned,
    onStrike: (s) => strikeRef.current(s),
  });
  const standing = useStanding(client, session.state.connection);
  strikeRef.current = standing.onStrike;

  useEffect(() => {
    if (connected.has(client)) return;
    connected.add(client);
    client.connect().catch((e: unknown) => notify(errorText(e), 'error'));
  }, [client, notify]);

  const setTolerance = (t: number) => {
    const v = clampTolerance(client.age, t);
    setToleranceState(v);
    saveTolerance(v);
  };

  // "Meet someone new" (after a chat, or from an empty chat list) searches at once.
  const meetNew = () => {
    go({ view: 'home' });
    if (session.state.search === 'waiting') return;
    session.find(tolerance).catch((e: unknown) => notify(errorText(e), 'error'));
  };

  const chats = Object.values(session.state.chats);
  // The SDK counts unread messages per chat (chat.updated); this only adds its counts up.
  const unread = chats.reduce((n, c) => n + c.unread, 0);
  useUnreadTitle(unread);
  useBackgroundNotifications(client, (chat_id) => go({ view: 'chats', chat_id }));
  const invitation = session.state.invitations[0];
  const inChat = route.view === 'chats' && route.chat_id !== null;

  return (
    <div className={inChat ? 'app app-in-chat' : 'app'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar
        route={route}
        go={go}
        unread={unread}
        connection={session.state.connection}
        username={client.username}
      />
      <OfflineBanner connection={session.state.connection} />
      <main id="main" className="app-main" tabIndex={-1}>
        {standing.strike ? (
          <RestrictionNotice
            key={standing.strike.strike_id}
            strike={standing.strike}
            username={client.username}
            {...(standing.strike.kind === 'warning' ? { onDismiss: standing.dismiss } : {})}
          />
        ) : null}
        {route.view === 'home' ? (
          <HomeScreen
            client={client}
            session={session}
            tolerance={tolerance}
            setTolerance={setTolerance}
            notify={notify}
            openChat={(chat_id) => go({ view: 'chats', chat_id })}
          />
        ) : route.view === 'chats' ? (
          <ChatsScreen
            client={client}
            session={session}
            chatId={route.chat_id}
            tolerance={tolerance}
            notify={notify}
            go={go}
            meetNew={meetNew}
          />
        ) : (
          <SettingsScreen
            client={client}
            notify={notify}
            onSignedOut={onSignedOut}
            onSecretRotated={onSecretRotated}
          />
        )}
      </main>
      {invitation ? (
        <InvitePrompt
          key={invitation.invitation_id}
          invitation={invitation}
          onAnswer={async (accept) => {
            session.dispatch({ type: 'invite-done', invitation_id: invitation.invitation_id });
            try {
              await client.answerInvite(invitation.invitation_id, accept);
            } catch (e) {
              notify(errorText(e), 'error');
            }
          }}
        />
      ) : null}
      <Toasts toasts={toasts} onDismiss={(id) => setToasts((t) => t.filter((x) => x.id !== id))} />
    </div>
  );
}
