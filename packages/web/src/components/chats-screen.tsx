import type { OmeChatClient } from '../sdk.js';
import type { Session } from '../use-session.js';
import type { Route } from '../use-hash-route.js';
import { ChatList } from './chat-list.js';
import { ChatView } from './chat-view.js';
import { Icon } from './icons.js';

export interface ChatsScreenProps {
  client: OmeChatClient;
  session: Session;
  chatId: string | null;
  tolerance: number;
  notify(text: string, tone?: 'info' | 'error'): void;
  go(r: Route, replace?: boolean): void;
  /** Starts a search at once and shows it. */
  meetNew(): void;
}

/** List and conversation side by side on wide screens, one at a time on phones. */
export function ChatsScreen({ client, session, chatId, tolerance, notify, go, meetNew }: ChatsScreenProps) {
  const chats = Object.values(session.state.chats).sort((a, b) => b.last_activity - a.last_activity);
  const chat = chatId ? session.state.chats[chatId] : undefined;
  return (
    <div className={chatId ? 'chats chats-has-open' : 'chats'}>
      <aside className="chats-list" aria-label="Chats">
        <h1 className="pane-title">Chats</h1>
        <ChatList
          client={client}
          chats={chats}
          selected={chatId}
          notify={notify}
          onMeetNew={meetNew}
          onOpen={(id) => go({ view: 'chats', chat_id: id })}
          blockOpen={async (id) => {
            await session.endChat(id, 'block', tolerance);
          }}
        />
      </aside>
      <section className="chats-pane" aria-label="Conversation">
        {chat ? (
          <ChatView
            key={chat.chat_id}
            client={client}
            session={session}
            chat={chat}
            tolerance={tolerance}
            notify={notify}
            onBack={() => go({ view: 'chats', chat_id: null })}
            onSearching={() => go({ view: 'home' })}
            onMeetNew={meetNew}
          />
        ) : (
          <div className="empty-pane">
            <Icon name="chats" size={40} />
            <p>{chatId ? 'This chat is no longer available.' : 'Pick a chat, or meet someone new.'}</p>
            <button type="button" className="btn btn-primary" onClick={meetNew}>
              Meet someone new
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
