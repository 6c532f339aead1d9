import type { ChatEntry } from '../session-state.js';
import type { OmeChatClient } from '../sdk.js';
import { ChatSafetyActions } from './safety/chat-safety-actions.js';
import { fullTime, relativeDay } from '../format.js';
import { Avatar } from './avatar.js';

export interface ChatListProps {
  client: OmeChatClient;
  chats: ChatEntry[];
  selected: string | null;
  onOpen(chat_id: string): void;
  notify(text: string, tone?: 'info' | 'error'): void;
  blockOpen(chat_id: string): Promise<void>;
  /** The empty list's action: start a search at once. */
  onMeetNew(): void;
}

export function ChatList({ client, chats, selected, onOpen, notify, blockOpen, onMeetNew }: ChatListProps) {
  if (chats.length === 0)
    return (
      <div className="empty" data-testid="chat-list-empty">
        <p className="muted">No chats yet. Meet a stranger to start one.</p>
        <button type="button" className="btn btn-primary" onClick={onMeetNew} data-testid="chat-list-meet">
          Meet someone new
        </button>
      </div>
    );
  return (
    <ul className="chat-list" data-testid="chat-list">
      {chats.map((c) => (
        <li key={c.chat_id} className="chat-list-row">
          <a
            href={`#/chats/${encodeURIComponent(c.chat_id)}`}
            className={c.active ? 'chat-item' : 'chat-item chat-item-ended'}
            aria-current={selected === c.chat_id ? 'true' : undefined}
            data-testid="chat-list-item"
            data-chat-id={c.chat_id}
            data-unread={c.unread}
            onClick={(e) => {
              e.preventDefault();
              onOpen(c.chat_id);
            }}
          >
            <Avatar name={c.partner.username} />
            <span className="chat-item-main">
              <span className="chat-item-top">
                <strong className="chat-item-name" title={c.partner.username}>
                  {c.partner.username}
                </strong>
                <time
                  className="chat-item-time"
                  dateTime={new Date(c.last_activity).toISOString()}
                  title={fullTime(c.last_activity)}
                >
                  {relativeDay(c.last_activity)}
                </time>
              </span>
              <span className="chat-item-bottom">
                <span className="chat-item-text">
                  {c.partner_typing ? (
                    <em>typing…</em>
                  ) : c.active ? (
                    (c.last_text ?? 'Say hi!')
                  ) : c.ended_reason === 'closed' ? (
                    'Chat closed'
                  ) : (
                    'Chat ended'
                  )}
                </span>
                {c.unread > 0 ? (
                  <span className="badge" data-testid="chat-unread">
                    {c.unread}
                    <span className="sr-only"> unread</span>
                  </span>
                ) : null}
              </span>
            </span>
          </a>
          <ChatSafetyActions
            client={client}
            chat={c}
            notify={notify}
            blockOpen={() => blockOpen(c.chat_id)}
            compact
          />
        </li>
      ))}
    </ul>
  );
}
