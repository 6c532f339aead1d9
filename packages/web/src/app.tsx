import { Suspense, use, useState } from 'react';
import type { OmeChatClient } from './sdk.js';
import { WelcomeScreen } from './components/welcome-screen.js';
import { SignedInApp } from './components/signed-in-app.js';
import { SecretReveal } from './components/secret-reveal.js';
import { BannedScreen, type BannedState } from './components/safety/banned-screen.js';
import { ModerationPage } from './components/moderation/moderation-page.js';
import { useIsModerationRoute } from './use-hash-route.js';

export interface Boot {
  client: OmeChatClient | null;
  error: string | null;
}

const SIGNED_OUT_NOTICE = {
  revoked: 'This device was signed out from another device.',
  deleted: 'Your account was deleted.',
  local: '',
  banned: '',
} as const;

export function App({ boot }: { boot: Promise<Boot> }) {
  return (
    <Suspense fallback={<Loading />}>
      <Root boot={boot} />
    </Suspense>
  );
}

function Root({ boot }: { boot: Promise<Boot> }) {
  const initial = use(boot);
  const [client, setClient] = useState(initial.client);
  const [notice, setNotice] = useState(initial.error ?? '');
  // A secret that replaced an old one: shown once before the app opens with its client.
  const [rotated, setRotated] = useState<{ client: OmeChatClient; secret: string } | null>(null);
  const open = (c: OmeChatClient) => {
    setNotice('');
    setRotated(null);
    setClient(c);
  };

  const [banned, setBanned] = useState<BannedState | null>(null);
  const moderation = useIsModerationRoute();

  // The moderators' page is not part of a user's session: it has its own credential.
  if (moderation) return <ModerationPage />;
  if (banned)
    return (
      <BannedScreen
        sanction={banned.sanction}
        username={banned.username}
        {...(banned.secret ? { secret: banned.secret } : {})}
        onDone={() => setBanned(null)}
      />
    );
  if (rotated)
    return (
      <main className="welcome">
        <SecretReveal
          username={rotated.client.username}
          secret={rotated.secret}
          rotatedFor={rotated.client}
          onSignedIn={open}
        />
      </main>
    );
  if (!client)
    return (
      <WelcomeScreen
        notice={notice || undefined}
        onBanned={setBanned}
        onSignedIn={(c) => {
          // A legacy account's sign-in replaced its old secret: show the new one first.
          const secret = c.takeRotatedSecret();
          if (secret) setRotated({ client: c, secret });
          else open(c);
        }}
      />
    );
  return (
    <SignedInApp
      key={client.client_hash}
      client={client}
      onSecretRotated={(c, secret) => {
        setClient(null);
        setRotated({ client: c, secret });
      }}
      onBanned={(sanction) => {
        // The SDK wipes this device (every client of the account was revoked); nothing stays signed in.
        client.close();
        history.replaceState(null, '', location.pathname);
        setBanned({ sanction, username: client.username });
        setClient(null);
      }}
      onSignedOut={(reason) => {
        client.close();
        history.replaceState(null, '', location.pathname);
        setNotice(SIGNED_OUT_NOTICE[reason]);
        setClient(null);
      }}
    />
  );
}

function Loading() {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>Opening OmeChat…</span>
    </div>
  );
}
