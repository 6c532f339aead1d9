import { useEffect, useRef } from 'react';
import type { OmeChatClient } from './sdk.js';
import { showBackgroundNotification } from './background-notification.js';

/** A system notification per new chat or incoming message while the app is in the background. */
export function useBackgroundNotifications(client: OmeChatClient, openChat: (chat_id: string) => void): void {
  const open = useRef(openChat);
  open.current = openChat;
  useEffect(() => {
    const names = new Map<string, string>();
    const go = (chat_id: string) => open.current(chat_id);
    client
      .listChats()
      .then((chats) => {
        for (const c of chats) if (!names.has(c.chat_id)) names.set(c.chat_id, c.partner.username);
      })
      .catch(() => {});
    const offs = [
      client.on('chat.updated', (c) => names.set(c.chat_id, c.partner.username)),
      client.on('chat.started', (c) => {
        names.set(c.chat_id, c.partner.username);
        showBackgroundNotification(
          { chat_id: c.chat_id, kind: 'chat', partner: c.partner.username, text: null },
          go,
        );
      }),
      client.on('message', (m) => {
        if (m.from_me) return;
        showBackgroundNotification(
          { chat_id: m.chat_id, kind: 'message', partner: names.get(m.chat_id) ?? null, text: m.text },
          go,
        );
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [client]);
}
