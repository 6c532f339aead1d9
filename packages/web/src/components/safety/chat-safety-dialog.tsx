import { errorText, type OmeChatClient } from '../../sdk.js';
import type { ChatEntry } from '../../session-state.js';
import { ConfirmDialog } from '../confirm-dialog.js';
import { ReportDialog } from './report-dialog.js';

export interface ChatSafetyDialogProps {
  which: 'report' | 'block';
  client: OmeChatClient;
  chat: ChatEntry;
  notify(text: string, tone?: 'info' | 'error'): void;
  /** Blocking an open chat goes through the session (it ends the chat); an ended one is blocked here. */
  blockOpen(): Promise<void>;
  onClose(): void;
}

/** The Report and Block dialogs of a chat, opened from the chat list or the chat's menu. */
export function ChatSafetyDialog({ which, client, chat, notify, blockOpen, onClose }: ChatSafetyDialogProps) {
  const name = chat.partner.username;
  if (which === 'report')
    return (
      <ReportDialog
        client={client}
        chatId={chat.chat_id}
        partner={name}
        onClose={onClose}
        onReported={() => {
          onClose();
          notify(`Thank you. Your report was sent and ${name} is blocked.`);
        }}
      />
    );
  return (
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
      onClose={onClose}
      onConfirm={async () => {
        try {
          if (chat.active) await blockOpen();
          else await client.block(chat.chat_id);
          notify(`${name} is blocked.`);
        } catch (e) {
          notify(errorText(e), 'error');
        }
        onClose();
      }}
    />
  );
}
