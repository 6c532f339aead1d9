import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ChatMessage, OmeChatClient } from '../sdk.js';
import { errorText } from '../sdk.js';
import type { Session } from '../use-session.js';
import type { ChatEntry, ChatNotice } from '../session-state.js';
import { endedText } from '../format.js';
import { Avatar } from './avatar.js';
import { MessageBubble } from './message-bubble.js';
import { Composer } from './composer.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { SafetyNumberDialog } from './safety-number-dialog.js';
import { Icon } from './icons.js';
import { ChatSafetyDialog } from './safety/chat-safety-dialog.js';
import { MenuButton, type MenuItem } from './menu-button.js';

export interface ChatViewProps {
  client: OmeChatClient;
  session: Session;
  chat: ChatEntry;
  tolerance: number;
  notify(text: string, tone?: 'info' | 'error'): void;
  onBack(): void;
  /** Next found nobody at once: show the search. */
  onSearching(): void;
  /** "Meet someone new" after the chat ended: start a search now. */
  onMeetNew(): void;
}

type Dialog = null | 'next' | 'leave' | 'safety' | 'report' | 'block';

export function ChatView(props: ChatViewProps) {
  const { client, session, chat, tolerance, notify, onBack, onSearching, onMeetNew } = props;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [loaded, setLoaded] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const messages = session.state.messages[chat.chat_id] ?? [];
  const name = chat.partner.username;
  const { setViewing, loadHistory } = session;

  useEffect(() => {
    setViewing(chat.chat_id);
    loadHistory(chat.chat_id)
      .catch((e: unknown) => notify(errorText(e), 'error'))
      .finally(() => setLoaded(true));
    const onVisible = () => document.visibilityState === 'visible' && setViewing(chat.chat_id);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      setViewing(null);
    };
  }, [chat.chat_id, setViewing, loadHistory, notify]);

  // Follow new messages only when the reader is already at the bottom.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, chat.partner_typing, chat.active]);

  const end = async (how: 'next' | 'leave') => {
    try {
      const r = await session.endChat(chat.chat_id, how, tolerance);
      setDialog(null);
      // When matched at once, chat.started has already opened the new chat.
      if (r === 'waiting') onSearching();
    } catch (e) {
      setDialog(null);
      notify(errorText(e), 'error');
    }
  };

  // Offline, our knowledge of the partner's presence is stale: show none rather than a wrong "Online".
  const presence = session.state.connection === 'online' && chat.active ? chat.partner_online : null;
  const status = !chat.active
    ? 'Chat ended'
    : presence === true
      ? 'Online'
      : presence === false
        ? 'Away'
        : `Age ${chat.partner.age}`;

  const menu: MenuItem[] = [
    {
      label: 'Safety number',
      icon: <Icon name="lock" size={18} />,
      testid: 'chat-safety-number',
      onSelect: () => setDialog('safety'),
    },
  ];
  if (!chat.reported)
    menu.push({
      label: `Report ${name}`,
      icon: <Icon name="shield" size={18} />,
      danger: true,
      testid: 'chat-report',
      onSelect: () => setDialog('report'),
    });
  if (!chat.blocked && !chat.reported)
    menu.push({
      label: `Block ${name}`,
      icon: <Icon name="block" size={18} />,
      danger: true,
      testid: 'chat-block',
      onSelect: () => setDialog('block'),
    });
  if (chat.active)
    menu.push({
      label: 'Leave chat',
      icon: <Icon name="exit" size={18} />,
      testid: 'chat-leave',
      onSelect: () => setDialog('leave'),
    });

  return (
    <div className="chat-view" data-testid="chat-view" data-chat-id={chat.chat_id}>
      <header className="chat-header">
        <button type="button" className="icon-btn back-btn" aria-label="Back to chats" onClick={onBack}>
          <Icon name="back" />
        </button>
        <Avatar name={name} />
        <div className="chat-title">
          <h2 title={name}>{name}</h2>
          <span className="muted chat-sub" data-testid="chat-status">
            {presence !== null ? (
              <span className={`presence presence-${String(presence)}`} aria-hidden="true" />
            ) : null}
            {status}
            {presence !== null ? ` · ${chat.partner.age}` : ''}
            {chat.reported ? (
              <span className="tag" data-testid="chat-reported">
                Reported
              </span>
            ) : chat.blocked ? (
              <span className="tag" data-testid="chat-blocked">
                Blocked
              </span>
            ) : null}
          </span>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-small e2e-btn"
          onClick={() => setDialog('safety')}
          data-testid="safety-number-button"
          aria-label="End-to-end encrypted. Show safety number"
        >
          <Icon name="lock" size={18} />
          <span className="btn-label">Encrypted</span>
        </button>
        <MenuButton label={`Chat options for ${name}`} items={menu} testid="chat-menu">
          <Icon name="more" size={22} />
        </MenuButton>
      </header>

      <div
        ref={listRef}
        className="messages"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label={`Messages with ${name}`}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        <ol className="messages-list">
          <li className="e2e-note">
            <Icon name="lock" size={14} /> Messages are end-to-end encrypted. Only you and {name} can read
            them.
          </li>
          {loaded && messages.length === 0 && chat.active ? (
            <li className="chat-start-note">
              You are now chatting with {name} ({chat.partner.age}). Say hi! Be kind, and leave anytime.
            </li>
          ) : null}
          {withNotices(messages, session.state.notices[chat.chat_id] ?? []).map((item) =>
            'msg_id' in item ? (
              <MessageBubble
                key={item.msg_id}
                message={item}
                onRetry={
                  item.status === 'failed' && chat.active
                    ? () => void session.send(chat.chat_id, item.text, item.msg_id)
                    : undefined
                }
              />
            ) : (
              <li
                key={item.id}
                className={`chat-notice chat-notice-${item.kind}`}
                role="status"
                data-testid="chat-notice"
                data-kind={item.kind}
              >
                <Icon name="lock" size={14} /> {item.text}
              </li>
            ),
          )}
        </ol>
      </div>

      <div className="chat-footer">
        {chat.partner_typing && chat.active ? (
          <div className="typing" data-testid="typing-indicator" aria-live="polite">
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {name} is typing…
          </div>
        ) : null}
        {!chat.active ? (
          <div
            className="ended"
            role="status"
            data-testid="chat-ended-notice"
            data-reason={chat.ended_reason ?? ''}
          >
            <span>
              {chat.reported
                ? `You reported ${name}. They are blocked; moderators will review the messages.`
                : chat.ended_by_me
                  ? chat.ended_reason === 'blocked'
                    ? `You blocked ${name}. You will not be matched again.`
                    : 'You left this chat.'
                  : endedText(chat.ended_reason, name)}
            </span>
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={onMeetNew}
              data-testid="meet-someone-new"
            >
              Meet someone new
            </button>
          </div>
        ) : null}
        {/* Next sits by the composer: labelled, large, and within a thumb's reach on a phone. */}
        <div className="chat-footer-row">
          {chat.active ? (
            <button
              type="button"
              className="btn btn-secondary next-btn"
              onClick={() => setDialog('next')}
              data-testid="chat-next"
            >
              <Icon name="skip" size={20} />
              Next
            </button>
          ) : null}
          <Composer
            disabled={!chat.active}
            onSend={(text) => void session.send(chat.chat_id, text)}
            onTyping={(t) => client.setTyping(chat.chat_id, t)}
          />
        </div>
      </div>

      {dialog === 'next' ? (
        <ConfirmDialog
          title="Move on to the next stranger?"
          description={`This ends the chat with ${name} for both of you and starts looking for someone new.`}
          confirmLabel="Next"
          onConfirm={() => end('next')}
          onClose={() => setDialog(null)}
          testid="confirm-next"
        />
      ) : dialog === 'leave' ? (
        <ConfirmDialog
          title="Leave this chat?"
          description={`${name} will see that you left. You cannot reopen it.`}
          confirmLabel="Leave"
          onConfirm={() => end('leave')}
          onClose={() => setDialog(null)}
          testid="confirm-leave"
        />
      ) : dialog === 'report' || dialog === 'block' ? (
        <ChatSafetyDialog
          which={dialog}
          client={client}
          chat={chat}
          notify={notify}
          blockOpen={async () => {
            await session.endChat(chat.chat_id, 'block', tolerance);
          }}
          onClose={() => setDialog(null)}
        />
      ) : dialog === 'safety' ? (
        <SafetyNumberDialog
          client={client}
          chatId={chat.chat_id}
          partner={name}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}

/** Messages and notices in time order (a notice's time is when this device learned of it). */
function withNotices(messages: ChatMessage[], notices: ChatNotice[]): (ChatMessage | ChatNotice)[] {
  if (notices.length === 0) return messages;
  return [...messages, ...notices].sort((a, b) => a.ts - b.ts);
}
