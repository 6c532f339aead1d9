import type { PartnerInfo, ServerFrameOf, StrikeView } from '@omechat/protocol';

export type { PartnerInfo };

export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** One chat as this device knows it (active or ended), for chat lists. */
export interface ChatSummary {
  chat_id: string;
  partner: PartnerInfo;
  active: boolean;
  unread: number;
  last_activity: number;
  last_text: string | null;
  ended_reason: ChatEndReason | null;
  origin: 'match' | 'invitation';
  /** This user blocked the partner (open or ended chat): they are never matched again. */
  blocked?: boolean;
  /** This user reported the chat (once per chat); reporting also blocks. */
  reported?: boolean;
}

/** One decrypted message as kept on this device. */
export interface ChatMessage {
  chat_id: string;
  msg_id: string;
  from_me: boolean;
  text: string;
  /** The server's timestamp (ms); a message not yet acknowledged carries the local send time. */
  ts: number;
  status: MessageStatus;
}

export type ChatEndReason = ServerFrameOf<'chat.ended'>['reason'];
export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface ClientEvents {
  state: ConnectionState;
  /** An incoming message, or one this user sent from another device. */
  message: ChatMessage;
  'message.status': { chat_id: string; msg_id: string; status: MessageStatus };
  typing: { chat_id: string; typing: boolean };
  'chat.started': ChatSummary;
  'chat.ended': { chat_id: string; reason: ChatEndReason };
  /**
   * A chat's summary changed: flags, or its unread count / last message (after each received
   * message, after a read here or on another device). `unread` is the one count apps show.
   */
  'chat.updated': ChatSummary;
  'invite.received': { invitation_id: string; from: PartnerInfo };
  'invite.declined': { invitation_id: string };
  presence: { chat_id: string; online: boolean };
  /** Rapid skipping earned a cooldown: the queue answers NEXT_COOLDOWN until `until` (ms). */
  cooldown: { until: number };
  /**
   * A partner's identity key changed (they replaced their secret, or the server serves another
   * key): their old devices are dropped, and the safety number must be compared again.
   */
  'safety-number-changed': { user_hash: string };
  /** A partner's device list changed: `added` devices now get messages, `removed` ones no longer. */
  'devices-changed': { user_hash: string; added: number; removed: number };
  'signed-out': { reason: 'revoked' | 'deleted' | 'local' | 'banned' };
  /**
   * The account was banned: every device is signed out (this one too; a `signed-out` event with
   * reason `banned` follows). `sanction` is the ban with its statement of reasons and appeal id;
   * null when the socket closed (4403) before the error frame arrived (ask the standing then).
   */
  banned: { sanction: StrikeView | null };
  /** A warning or restriction was just imposed on this account (the statement of reasons inside). */
  'moderation.notice': { strike: StrikeView };
  /** Problems that concern no single call: an undecryptable message, a failed background step. */
  error: { code: string; message: string };
}

export interface SafetyNumber {
  /** 60 digits. */
  digits: string;
  /** The same in 12 groups of 5, as shown to people. */
  groups: string[];
}
