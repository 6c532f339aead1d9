import { useEffect } from 'react';

const APP_TITLE = 'OmeChat';

/** "(3) OmeChat" in the tab and task switcher while chats have unread messages (counts from the SDK). */
export function useUnreadTitle(unread: number): void {
  useEffect(() => {
    document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${APP_TITLE}` : APP_TITLE;
  }, [unread]);
  useEffect(
    () => () => {
      document.title = APP_TITLE;
    },
    [],
  );
}
