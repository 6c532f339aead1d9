import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { IndexedDbKeyStore, OmeChatClient } from './sdk.js';
import { applyTheme, storedTheme } from './prefs.js';
import { registerServiceWorker } from './register-service-worker.js';
import './styles.css';
import './moderation.css';

// Before the first render, so a stored theme does not flash.
applyTheme(storedTheme());

registerServiceWorker();

// Started once, outside React, so StrictMode's double effects cannot restore twice.
const boot = OmeChatClient.restore({ baseUrl: location.origin, keyStore: new IndexedDbKeyStore() }).then(
  (client) => ({ client, error: null as string | null }),
  () => ({ client: null, error: 'Could not open this device’s saved session. Please sign in again.' }),
);

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App boot={boot} />
    </StrictMode>,
  );
