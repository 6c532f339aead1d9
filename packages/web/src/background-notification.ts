import { storedNotificationPrefs } from './prefs.js';

export interface BackgroundAlert {
  chat_id: string;
  kind: 'message' | 'chat';
  /** The partner's pseudonym and the message text: shown only when the user opted in to text. */
  partner: string | null;
  text: string | null;
}

const ICON = '/icons/icon-192.png';
const MAX_TEXT = 120;

/** Whether this browser can show notifications at all. */
export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/**
 * Shows one system notification for a new chat or message, only while the page is hidden, the user
 * turned notifications on in Settings and the browser granted the permission. By default it names
 * nobody and quotes nothing ("New message"): a stranger's words on a lock screen are a privacy leak.
 * `open` runs when the notification is clicked (after the window is focused).
 */
export function showBackgroundNotification(alert: BackgroundAlert, open: (chat_id: string) => void): void {
  if (document.visibilityState !== 'hidden' || !notificationsSupported()) return;
  if (Notification.permission !== 'granted') return;
  const prefs = storedNotificationPrefs();
  if (!prefs.enabled) return;

  let title = 'OmeChat';
  let body = alert.kind === 'chat' ? 'You have a new chat' : 'New message';
  if (prefs.showText && alert.partner) {
    if (alert.kind === 'chat') body = `You are now chatting with ${alert.partner}`;
    else {
      title = alert.partner;
      if (alert.text)
        body = alert.text.length > MAX_TEXT ? `${alert.text.slice(0, MAX_TEXT - 1)}…` : alert.text;
    }
  }
  // One notification per chat on screen at a time: a newer one replaces the older.
  const options: NotificationOptions = {
    body,
    tag: alert.chat_id,
    icon: ICON,
    data: { chat_id: alert.chat_id },
  };
  try {
    const n = new Notification(title, options);
    n.onclick = () => {
      window.focus();
      open(alert.chat_id);
      n.close();
    };
  } catch {
    // Chrome on Android shows notifications only through a service worker (its click handler
    // focuses this page and asks it to open the chat).
    void navigator.serviceWorker?.ready.then((reg) => reg.showNotification(title, options)).catch(() => {});
  }
}
