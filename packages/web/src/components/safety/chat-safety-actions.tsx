import { useState } from 'react';
import { errorText, type OmeChatClient } from '../../sdk.js';
import type { ChatEntry } from '../../session-state.js';
import { ConfirmDialog } from '../confirm-dialog.js';
import { Icon } from '../icons.js';
import { ReportDialog } from './report-dialog.js';

export interface ChatSafetyActionsProps {
  client: OmeChatClient;
  chat: ChatEntry;
  notify(text: string, tone?: 'info' | 'error'): void;
  /** Blocking an open chat goes through the session (it ends the chat); an ended one is blocked here. */
  blockOpen(): Promise<void>;
  compact?: boolean;
}

/** Report and Block, for every chat: open or ended, in the chat and in the chat list. */
export function ChatSafetyActions({ client, chat, notify, blockOpen, compact }: ChatSafetyActionsProps) {
  const [dialog, setDialog] = useState<null | 'report' | 'block'>(null);
  const name = chat.partner.username;
  const cls = compact ? 'btn btn-ghost btn-small btn-danger-text' : 'btn btn-ghost btn-small btn-danger-text';
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
      {dialog === 'report' ? (
        <ReportDialog
          client={client}
          chatId={chat.chat_id}
          partner={name}
          onClose={() => setDialog(null)}
          onReported={() => {
            setDialog(null);
            notify(`Thank you. Your report was sent and ${name} is blocked.`);
          }}
        />
      ) : dialog === 'block' ? (
        <ConfirmDialog
          title={`Block ${name}?`}
          description={
            chat.active
              ? 'The chat ends now and you will never be matched with each other again.'
              : 'You will never be matched with each other again.'
          }
          confirmLabel="Block"
          danger
          testid="confirm-block"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            try {
              if (chat.active) await blockOpen();
              else await client.block(chat.chat_id);
              notify(`${name} is blocked.`);
            } catch (e) {
              notify(errorText(e), 'error');
            }
            setDialog(null);
          }}
        />
      ) : null}
    </div>
  );
}
