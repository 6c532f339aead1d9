import { useId, useState } from 'react';
import { notificationsSupported } from '../background-notification.js';
import { saveNotificationPrefs, storedNotificationPrefs, type NotificationPrefs } from '../prefs.js';

/** Settings card: background notifications (asks the browser on the click) and the text opt-in. */
export function NotificationSettings() {
  const [prefs, setPrefs] = useState(storedNotificationPrefs);
  const [permission, setPermission] = useState(() =>
    notificationsSupported() ? Notification.permission : 'denied',
  );
  const onId = useId();
  const textId = useId();
  const update = (p: NotificationPrefs) => {
    setPrefs(p);
    saveNotificationPrefs(p);
  };

  if (!notificationsSupported())
    return (
      <section className="card" aria-labelledby="notify-title">
        <h2 id="notify-title" className="card-title">
          Notifications
        </h2>
        <p className="hint">This browser cannot show notifications.</p>
      </section>
    );

  const on = prefs.enabled && permission === 'granted';
  return (
    <section className="card" aria-labelledby="notify-title" data-testid="notification-settings">
      <h2 id="notify-title" className="card-title">
        Notifications
      </h2>
      <p className="hint">
        While OmeChat is in the background, the tab title counts your unread messages. You can also get a
        notification for each new chat or message.
      </p>
      <label className="check" htmlFor={onId}>
        <input
          id={onId}
          type="checkbox"
          checked={on}
          data-testid="notify-toggle"
          onChange={async (e) => {
            const want = e.target.checked;
            if (!want) return update({ ...prefs, enabled: false });
            // Asked here, on the user's click, as browsers require.
            const p = permission === 'granted' ? 'granted' : await Notification.requestPermission();
            setPermission(p);
            update({ ...prefs, enabled: p === 'granted' });
          }}
        />
        <span>Notify me about new chats and messages</span>
      </label>
      {permission === 'denied' ? (
        <p className="hint" role="status" data-testid="notify-blocked">
          Notifications are blocked for this site. Allow them in your browser’s site settings to turn this on.
        </p>
      ) : null}
      <label className="check" htmlFor={textId}>
        <input
          id={textId}
          type="checkbox"
          checked={on && prefs.showText}
          disabled={!on}
          aria-describedby={`${textId}-hint`}
          data-testid="notify-text-toggle"
          onChange={(e) => update({ ...prefs, showText: e.target.checked })}
        />
        <span>Show who wrote and what they wrote</span>
      </label>
      <p className="hint" id={`${textId}-hint`}>
        Off by default: notifications then say only “New message” or “You have a new chat”. When on, a
        stranger’s pseudonym and words appear on your screen, even on a locked phone, where anyone holding it
        can read them.
      </p>
    </section>
  );
}
