import { OmeChatError, type ReportReason, type ReportReceipt, type RevealedMessage } from '@omechat/protocol';
import type { ClientCredentials } from './client-credentials.js';
import type { HttpApi } from './http-api.js';
import type { KeyStore } from './key-store.js';
import type { LocalChats } from './local-chats.js';
import { chatEvidence } from './received-evidence.js';
import type { ChatMessage } from './sdk-types.js';

/** How many received messages a report reveals when the user does not choose. */
export const DEFAULT_REPORTED_MESSAGES = 20;

export interface ReportOptions {
  reason: ReportReason;
  note?: string;
  /** The received messages to reveal; default: the last 20 received. */
  msg_ids?: string[];
}

export interface ClientReportsDeps {
  store: KeyStore;
  http: HttpApi;
  creds: ClientCredentials;
  chats: Pick<LocalChats, 'chat' | 'message' | 'markFlags'>;
}

/**
 * Reports (docs/protocol.md "Reports"): reveals chosen received messages with their franking values
 * so the server can verify that the partner really sent them. Works on open and ended chats (within
 * the server's report window), once per chat; the server blocks the pair.
 */
export class ClientReports {
  constructor(private readonly deps: ClientReportsDeps) {}

  /** Exactly the messages `report` would reveal with these `msg_ids`, oldest first. */
  async preview(chat_id: string, msg_ids?: string[]): Promise<ChatMessage[]> {
    const out: ChatMessage[] = [];
    for (const e of await this.pick(chat_id, msg_ids)) {
      const m = await this.deps.chats.message(chat_id, e.msg_id);
      if (m) out.push(m);
    }
    return out;
  }

  async report(chat_id: string, opts: ReportOptions): Promise<ReportReceipt> {
    const chat = await this.deps.chats.chat(chat_id);
    if (!chat) throw new OmeChatError('CHAT_NOT_FOUND');
    if (chat.reported) throw new OmeChatError('REPORT_DUPLICATE');
    const messages = await this.pick(chat_id, opts.msg_ids);
    if (messages.length === 0)
      throw new OmeChatError('INVALID_INPUT', {
        message: 'There is no received message to report in this chat. You can block instead.',
      });
    const note = opts.note?.trim();
    let receipt: ReportReceipt;
    try {
      receipt = await this.deps.http.report(this.deps.creds, {
        chat_id,
        reason: opts.reason,
        ...(note ? { note } : {}),
        messages,
      });
    } catch (e) {
      // Reported earlier (from another device, or before this device lost track): remember it.
      if (e instanceof OmeChatError && e.code === 'REPORT_DUPLICATE')
        await this.deps.chats.markFlags(chat_id, { reported: true, blocked: true });
      throw e;
    }
    await this.deps.chats.markFlags(chat_id, { reported: true, blocked: true });
    return receipt;
  }

  private async pick(chat_id: string, msg_ids: string[] | undefined): Promise<RevealedMessage[]> {
    const all = await chatEvidence(this.deps.store, chat_id);
    if (!msg_ids) return all.slice(-DEFAULT_REPORTED_MESSAGES);
    const wanted = new Set(msg_ids);
    const picked = all.filter((m) => wanted.has(m.msg_id));
    if (picked.length !== wanted.size)
      throw new OmeChatError('INVALID_INPUT', {
        message: 'Only messages this device received in this chat can be reported.',
      });
    return picked;
  }
}
