import { useCallback, useEffect, useReducer, useRef, type Dispatch } from 'react';
import type { OmeChatClient, ChatMessage, StrikeView } from './sdk.js';
import { errorText } from './sdk.js';
import { endedText } from './format.js';
import {
  initialSession,
  sessionReducer,
  type ChatNotice,
  type SessionAction,
  type SessionState,
} from './session-state.js';

export interface SessionCallbacks {
  /** A short text for the live region and a toast. */
  notify(text: string, tone?: 'info' | 'error'): void;
  onChatStarted(chat_id: string): void;
  onSignedOut(reason: 'revoked' | 'deleted' | 'local' | 'banned'): void;
  /** The account was banned (its sockets closed); signed-out follows. */
  onBanned(sanction: StrikeView | null): void;
  /** A warning or restriction was just imposed (moderation.notice). */
  onStrike(strike: StrikeView): void;
}

export interface Session {
  state: SessionState;
  dispatch: Dispatch<SessionAction>;
  /** The chat on screen, so incoming messages there count as read. */
  setViewing(chat_id: string | null): void;
  loadHistory(chat_id: string): Promise<void>;
  send(chat_id: string, text: string, retryOf?: string): Promise<void>;
  /** Leave, block, or end and search again ("next"); a "next" match arrives as chat.started. */
  endChat(
    chat_id: string,
    how: 'leave' | 'block' | 'next',
    tolerance: number,
  ): Promise<'waiting' | 'matched' | null>;
  find(tolerance: number): Promise<void>;
  cancelFind(): Promise<void>;
}

let localSeq = 0;

/** Wires the SDK's events into one reducer and exposes the few actions that touch several parts. */
export function useSession(client: OmeChatClient, cb: SessionCallbacks): Session {
  const [state, dispatch] = useReducer(sessionReducer, initialSession);
  const viewing = useRef<string | null>(null);
  const cbRef = useRef(cb);
  cbRef.current = cb;
  const endingByMe = useRef(new Set<string>());
  const chatsRef = useRef(state.chats);
  chatsRef.current = state.chats;

  const isViewing = (chat_id: string) =>
    viewing.current === chat_id && document.visibilityState === 'visible';

  useEffect(() => {
    const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
    const refresh = () =>
      client
        .listChats()
        .then((chats) => dispatch({ type: 'chats', chats }))
        .catch((e: unknown) => cbRef.current.notify(errorText(e), 'error'));
    // A notice in every active chat with that partner, and a toast when that chat is not on screen.
    const notice = (user_hash: string, kind: ChatNotice['kind'], text: (name: string) => string) => {
      for (const chat of Object.values(chatsRef.current)) {
        if (chat.partner.user_hash !== user_hash || !chat.active) continue;
        const line = text(chat.partner.username);
        const id = `notice-${++localSeq}`;
        dispatch({ type: 'notice', chat_id: chat.chat_id, notice: { id, kind, text: line, ts: Date.now() } });
        if (!isViewing(chat.chat_id)) cbRef.current.notify(line);
      }
    };
    const offs = [
      client.on('state', (s) => {
        dispatch({ type: 'connection', state: s });
        // Events may have been missed while offline: reload the list.
        if (s === 'online') void refresh();
      }),
      client.on('message', (m) => {
        const here = isViewing(m.chat_id);
        dispatch({ type: 'message', message: m });
        if (here && !m.from_me) void client.markRead(m.chat_id).catch(() => {});
        if (!m.from_me && !here) {
          const name = chatsRef.current[m.chat_id]?.partner.username ?? 'Someone';
          cbRef.current.notify(`New message from ${name}`);
        }
      }),
      client.on('message.status', (s) => dispatch({ type: 'status', ...s })),
      client.on('typing', ({ chat_id, typing }) => {
        dispatch({ type: 'typing', chat_id, typing });
        clearTimeout(typingTimers.get(chat_id));
        // A lost "stopped typing" must not leave the indicator on forever.
        if (typing)
          typingTimers.set(
            chat_id,
            setTimeout(() => dispatch({ type: 'typing', chat_id, typing: false }), 8000),
          );
      }),
      client.on('presence', (p) => dispatch({ type: 'presence', ...p })),
      client.on('chat.started', (chat) => {
        dispatch({ type: 'started', chat });
        // No toast: the chat opens now, and its own note (in the live message log) says who it is.
        cbRef.current.onChatStarted(chat.chat_id);
      }),
      // In the chat on screen the app has already asked the SDK to mark it read (its zero follows).
      client.on('chat.updated', (chat) =>
        dispatch({ type: 'updated', chat: isViewing(chat.chat_id) ? { ...chat, unread: 0 } : chat }),
      ),
      client.on('chat.ended', ({ chat_id, reason }) => {
        const chat = chatsRef.current[chat_id];
        dispatch({ type: 'ended', chat_id, reason });
        // In the open chat the ended notice (a status region) says it; elsewhere a toast does.
        if (chat?.active && !endingByMe.current.has(chat_id) && !isViewing(chat_id))
          cbRef.current.notify(endedText(reason, chat.partner.username));
      }),
      client.on('invite.received', (inv) => dispatch({ type: 'invite', invitation: inv })),
      client.on('invite.declined', () => cbRef.current.notify('Your invitation was declined.')),
      client.on('cooldown', ({ until }) =>
        cbRef.current.notify(
          `You skipped many people in a short time. Take a break: you can look for someone new in ${Math.max(1, Math.ceil((until - Date.now()) / 60_000))} min.`,
        ),
      ),
      client.on('banned', ({ sanction }) => cbRef.current.onBanned(sanction)),
      client.on('moderation.notice', ({ strike }) => cbRef.current.onStrike(strike)),
      client.on('signed-out', ({ reason }) => cbRef.current.onSignedOut(reason)),
      client.on('safety-number-changed', ({ user_hash }) =>
        notice(
          user_hash,
          'safety-number-changed',
          (name) =>
            `${name}'s safety number changed: they replaced their secret, or someone else is using their account. Compare safety numbers to be sure it is still them.`,
        ),
      ),
      client.on('devices-changed', ({ user_hash, added, removed }) =>
        notice(user_hash, 'devices-changed', (name) =>
          added > 0
            ? `${name} signed in on a new device.`
            : `${name} removed ${removed === 1 ? 'a device' : `${removed} devices`}.`,
        ),
      ),
      client.on('error', (e) => cbRef.current.notify(e.message || 'Something went wrong.', 'error')),
    ];
    void refresh();
    return () => {
      for (const off of offs) off();
      for (const t of typingTimers.values()) clearTimeout(t);
    };
  }, [client]);

  const setViewing = useCallback(
    (chat_id: string | null) => {
      viewing.current = chat_id;
      // The SDK clears its unread count and announces it (chat.updated).
      if (chat_id && (chatsRef.current[chat_id]?.unread ?? 0) > 0)
        void client.markRead(chat_id).catch(() => {});
    },
    [client],
  );

  const loadHistory = useCallback(
    async (chat_id: string) => {
      const messages = await client.history(chat_id);
      dispatch({ type: 'history', chat_id, messages });
    },
    [client],
  );

  const send = useCallback(
    async (chat_id: string, text: string, retryOf?: string) => {
      const temp: ChatMessage = {
        chat_id,
        msg_id: retryOf ?? `local-${++localSeq}`,
        from_me: true,
        text,
        ts: Date.now(),
        status: 'sending',
      };
      // A retry replaces the failed bubble in place.
      dispatch({ type: 'message', message: temp, replaces: retryOf });
      try {
        const sent = await client.sendText(chat_id, text);
        dispatch({ type: 'message', message: sent, replaces: temp.msg_id });
      } catch (e) {
        dispatch({ type: 'status', chat_id, msg_id: temp.msg_id, status: 'failed' });
        cbRef.current.notify(errorText(e), 'error');
      }
    },
    [client],
  );

  const find = useCallback(
    async (tolerance: number) => {
      dispatch({ type: 'search', search: 'waiting' });
      try {
        const r = await client.findStranger(tolerance);
        // 'matched' arrives as chat.started, which also clears the search state.
        if (r === 'matched') dispatch({ type: 'search', search: 'idle' });
      } catch (e) {
        dispatch({ type: 'search', search: 'idle' });
        throw e;
      }
    },
    [client],
  );

  const cancelFind = useCallback(async () => {
    dispatch({ type: 'search', search: 'idle' });
    await client.cancelSearch();
  }, [client]);

  const endChat = useCallback(
    async (chat_id: string, how: 'leave' | 'block' | 'next', tolerance: number) => {
      endingByMe.current.add(chat_id);
      try {
        let r: 'waiting' | 'matched' | null = null;
        if (how === 'next') {
          dispatch({ type: 'search', search: 'waiting' });
          r = await client.next(chat_id, tolerance);
          if (r === 'matched') dispatch({ type: 'search', search: 'idle' });
        } else if (how === 'block') await client.block(chat_id);
        else await client.leave(chat_id);
        dispatch({ type: 'ended', chat_id, reason: how === 'block' ? 'blocked' : how, by_me: true });
        return r;
      } catch (e) {
        endingByMe.current.delete(chat_id);
        if (how === 'next') dispatch({ type: 'search', search: 'idle' });
        throw e;
      }
    },
    [client],
  );

  return { state, dispatch, setViewing, loadHistory, send, endChat, find, cancelFind };
}
