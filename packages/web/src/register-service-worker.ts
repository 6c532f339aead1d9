/// <reference types="vite/client" />
/**
 * Registers /sw.js (built by build/pwa-plugin.ts), which keeps the app shell for offline start and
 * installation. Production builds only: the dev server has no sw.js. A failure is not an error the
 * user must see: the app works the same without it, only not offline.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // A click on a notification the worker showed asks the open page to show that chat.
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent<unknown>) => {
    const data = e.data as { type?: unknown; chat_id?: unknown } | null;
    if (data?.type !== 'open-chat') return;
    location.hash =
      typeof data.chat_id === 'string' ? `#/chats/${encodeURIComponent(data.chat_id)}` : '#/chats';
  });
  const register = () =>
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      /* no offline start on this browser; nothing else changes */
    });
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
