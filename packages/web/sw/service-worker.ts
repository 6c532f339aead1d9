/**
 * OmeChat's service worker: keeps the app shell (index.html, the hashed scripts and styles, the
 * icons and the manifest) so the app opens without a network and can be installed. It never caches
 * or even looks at API responses, messages or the WebSocket: only the files listed below at build
 * time are answered from the cache. Built to /sw.js by build/pwa-plugin.ts, which replaces the two
 * placeholders; a new build is a new file, so browsers install it and drop the old cache.
 */
// A module (see the export at the end), so this `self` shadows the generic worker one.
declare const self: ServiceWorkerGlobalScope;

// Comma-separated paths (they never contain a comma): survives any quoting the minifier picks.
const SHELL: string[] = '__OMECHAT_SHELL_FILES__'.split(',');
const VERSION = '__OMECHAT_SHELL_VERSION__';
const CACHE = `omechat-shell-${VERSION}`;
const PREFIX = 'omechat-shell-';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Straight from the server, not from the HTTP cache, so a half-updated shell is never stored.
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // The API (and the WebSocket, which never reaches a service worker anyway) goes to the network.
  if (url.pathname === '/api' || url.pathname.startsWith('/api/') || url.pathname === '/healthz') return;

  if (req.mode === 'navigate') {
    // Network first, so an online visit always gets the current page; the cached shell when offline.
    event.respondWith(
      fetch(req).catch(
        async () => (await caches.match('/index.html', { cacheName: CACHE })) ?? Response.error(),
      ),
    );
    return;
  }
  if (!SHELL.includes(url.pathname)) return;
  event.respondWith((async () => (await caches.match(url.pathname, { cacheName: CACHE })) ?? fetch(req))());
});

/** A click on a notification shown through this worker: focus the app and open that chat. */
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data: unknown = event.notification.data;
  const chatId =
    typeof data === 'object' && data !== null && typeof (data as { chat_id?: unknown }).chat_id === 'string'
      ? (data as { chat_id: string }).chat_id
      : null;
  const hash = chatId ? `#/chats/${encodeURIComponent(chatId)}` : '#/chats';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) {
        await open.focus();
        open.postMessage({ type: 'open-chat', chat_id: chatId });
        return;
      }
      await self.clients.openWindow(`/${hash}`);
    })(),
  );
});

export {};
