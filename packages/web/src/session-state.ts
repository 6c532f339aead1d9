import type { ChatMessage, ChatSummary, ConnectionState, MessageStatus, PartnerInfo } from './sdk.js';

/**
 * A chat as the app shows it: the SDK's summary (whose `unread` is the one unread count; the app
 * never counts messages itself) plus what only this session knows.
 */
export interface ChatEntry extends Omit<ChatSummary, 'ended_reason'> {
  /** The SDK's reason, or ours ('left' | 'next' | 'blocked') when this user ended it. */
  ended_reason: string | null;
  partner_online: boolean | null;
  partner_typing: boolean;
  /** Set when this user ended the chat (leave/next/block), so the notice reads right. */
  ended_by_me: boolean;
}

/** A line in a chat from the app itself: the partner's identity or device list changed. */
export interface ChatNotice {
  id: string;
  kind: 'safety-number-changed' | 'devices-changed';
  text: string;
  ts: number;
}

export interface Invitation {
  invitation_id: string;
  from: PartnerInfo;
}

export interface SessionState {
  connection: ConnectionState;
  chats: Record<string, ChatEntry>;
  messages: Record<string, ChatMessage[]>;
  /** Security notices per chat (kept for this session only). */
  notices: Record<string, ChatNotice[]>;
  /** Status updates that arrived before their message did (the send call had not resolved yet). */
  earlyStatus: Record<string, MessageStatus>;
  search: 'idle' | 'waiting';
  invitations: Invitation[];
}

export type SessionAction =
  | { type: 'connection'; state: ConnectionState }
  | { type: 'chats'; chats: ChatSummary[] }
  | { type: 'history'; chat_id: string; messages: ChatMessage[] }
  | { type: 'message'; message: ChatMessage; replaces?: string }
  | { type: 'status'; chat_id: string; msg_id: string; status: MessageStatus }
  | { type: 'typing'; chat_id: string; typing: boolean }
  | { type: 'presence'; chat_id: string; online: boolean }
  | { type: 'started'; chat: ChatSummary }
  | { type: 'updated'; chat: ChatSummary }
  | { type: 'ended'; chat_id: string; reason: string; by_me?: boolean }
  | { type: 'search'; search: SessionState['search'] }
  | { type: 'invite'; invitation: Invitation }
  | { type: 'invite-done'; invitation_id: string }
  | { type: 'notice'; chat_id: string; notice: ChatNotice };

export const initialSession: SessionState = {
  connection: 'connecting',
  chats: {},
  messages: {},
  notices: {},
  earlyStatus: {},
  search: 'idle',
  invitations: [],
};

const RANK: Record<MessageStatus, number> = { failed: -1, sending: 0, sent: 1, delivered: 2, read: 3 };

/** Statuses only move forward (a late "delivered" must not undo "read"); failed is final unless retried. */
function mergeStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  if (b === 'failed' || a === 'failed') return b;
  return RANK[b] > RANK[a] ? b : a;
}

function entry(chat: ChatSummary, prev?: ChatEntry): ChatEntry {
  return {
    ...chat,
    partner_online: prev?.partner_online ?? null,
    partner_typing: prev?.partner_typing ?? false,
    ended_by_me: prev?.ended_by_me ?? false,
  };
}

function mergeMessages(existing: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(existing.map((m) => [m.msg_id, m]));
  for (const m of incoming) {
    const prev = byId.get(m.msg_id);
    byId.set(m.msg_id, prev ? { ...prev, ...m, status: mergeStatus(prev.status, m.status) } : m);
  }
  return [...byId.values()].sort((a, b) => a.ts - b.ts);
}

export function sessionReducer(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'notice':
      return {
        ...state,
        notices: {
          ...state.notices,
          [action.chat_id]: [...(state.notices[action.chat_id] ?? []), action.notice],
        },
      };
    case 'connection':
      return { ...state, connection: action.state };
    case 'chats': {
      const chats: Record<string, ChatEntry> = {};
      for (const c of action.chats) chats[c.chat_id] = entry(c, state.chats[c.chat_id]);
      // Keep chats we learned about by event while the list was loading.
      for (const [id, c] of Object.entries(state.chats)) chats[id] ??= c;
      return { ...state, chats };
    }
    case 'history':
      return {
        ...state,
        messages: {
          ...state.messages,
          [action.chat_id]: mergeMessages(state.messages[action.chat_id] ?? [], action.messages),
        },
      };
    case 'message': {
      const m = action.message;
      let list = state.messages[m.chat_id] ?? [];
      if (action.replaces) list = list.filter((x) => x.msg_id !== action.replaces);
      const early = state.earlyStatus[m.msg_id];
      const msg = early ? { ...m, status: mergeStatus(m.status, early) } : m;
      const earlyStatus = early ? { ...state.earlyStatus } : state.earlyStatus;
      if (early) delete earlyStatus[m.msg_id];
      const chat = state.chats[m.chat_id];
      const chats = chat
        ? {
            ...state.chats,
            [m.chat_id]: {
              ...chat,
              last_text: m.text,
              last_activity: Math.max(chat.last_activity, m.ts),
              // `unread` is left alone: the SDK counts it and sends it in chat.updated.
              partner_typing: m.from_me ? chat.partner_typing : false,
            },
          }
        : state.chats;
      return {
        ...state,
        chats,
        earlyStatus,
        messages: { ...state.messages, [m.chat_id]: mergeMessages(list, [msg]) },
      };
    }
    case 'status': {
      const list = state.messages[action.chat_id];
      if (!list?.some((m) => m.msg_id === action.msg_id))
        return { ...state, earlyStatus: { ...state.earlyStatus, [action.msg_id]: action.status } };
      return {
        ...state,
        messages: {
          ...state.messages,
          [action.chat_id]: list.map((m) =>
            m.msg_id === action.msg_id ? { ...m, status: mergeStatus(m.status, action.status) } : m,
          ),
        },
      };
    }
    case 'typing':
    case 'presence': {
      const chat = state.chats[action.chat_id];
      if (!chat) return state;
      const patch =
        action.type === 'typing' ? { partner_typing: action.typing } : { partner_online: action.online };
      return { ...state, chats: { ...state.chats, [action.chat_id]: { ...chat, ...patch } } };
    }
    case 'started':
      return {
        ...state,
        search: 'idle',
        chats: {
          ...state.chats,
          [action.chat.chat_id]: entry(action.chat, state.chats[action.chat.chat_id]),
        },
      };
    case 'updated': {
      // The SDK's summary is the truth (its unread count is the only one); a message sent here a
      // moment ago may be newer than the summary's last line.
      const prev = state.chats[action.chat.chat_id];
      const next = entry(action.chat, prev);
      if (prev && prev.last_activity > next.last_activity)
        Object.assign(next, { last_activity: prev.last_activity, last_text: prev.last_text });
      return { ...state, chats: { ...state.chats, [action.chat.chat_id]: next } };
    }
    case 'ended': {
      const chat = state.chats[action.chat_id];
      if (!chat) return state;
      return {
        ...state,
        chats: {
          ...state.chats,
          [action.chat_id]: {
            ...chat,
            active: false,
            ended_reason: chat.active || action.by_me ? action.reason : chat.ended_reason,
            // Our own call may resolve after the server's notice for the same chat arrived.
            ended_by_me: action.by_me ? true : chat.active ? false : chat.ended_by_me,
            partner_typing: false,
            last_activity: chat.active ? Date.now() : chat.last_activity,
          },
        },
      };
    }
    case 'search':
      return { ...state, search: action.search };
    case 'invite':
      if (state.invitations.some((i) => i.invitation_id === action.invitation.invitation_id)) return state;
      return { ...state, invitations: [...state.invitations, action.invitation] };
    case 'invite-done':
      return {
        ...state,
        invitations: state.invitations.filter((i) => i.invitation_id !== action.invitation_id),
      };
  }
}
