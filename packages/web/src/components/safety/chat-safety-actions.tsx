import { useState } from 'react';
import type { OmeChatClient } from '../../sdk.js';
import type { ChatEntry } from '../../session-state.js';
import { Icon } from '../icons.js';
import { ChatSafetyDialog } from './chat-safety-dialog.js';

export interface ChatSafetyActionsProps {
  client: OmeChatClient;
  chat: ChatEntry;
  notify(text: string, tone?: 'info' | 'error'): void;
  /** Blocking an open chat goes through the session (it ends the chat); an ended one is blocked here. */
  blockOpen(): Promise<void>;
  compact?: boolean;
}

/** Report and Block buttons for a chat in the chat list (the open chat has them in its menu). */
export function ChatSafetyActions({ client, chat, notify, blockOpen, compact }: ChatSafetyActionsProps) {
  const [dialog, setDialog] = useState<null | 'report' | 'block'>(null);
  const name = chat.partner.username;
  const cls = 'btn btn-ghost btn-small btn-danger-text';
  return (
    <div className="chat-safety" role="group" aria-label={`Safety actions for the chat with ${name}`}>
      {chat.reported ? (
        <span className="tag" data-testid="chat-reported">
          Reported
        </span>
      ) : (
        <button
          type="button"
          className={cls}
          onClick={() => setDialog('report')}
          data-testid="chat-report"
          aria-label={`Report ${name}`}
        >
          <Icon name="shield" size={18} />
          {compact ? null : <span className="btn-label">Report</span>}
        </button>
      )}
      {chat.blocked || chat.reported ? (
        <span className="tag" data-testid="chat-blocked">
          Blocked
        </span>
      ) : (
        <button
          type="button"
          className={cls}
          onClick={() => setDialog('block')}
          data-testid="chat-block"
          aria-label={`Block ${name}`}
        >
          <Icon name="block" size={18} />
          {compact ? null : <span className="btn-label">Block</span>}
        </button>
      )}
      {dialog ? (
        <ChatSafetyDialog
          which={dialog}
          client={client}
          chat={chat}
          notify={notify}
          blockOpen={blockOpen}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}
