import { describe, expect, it } from 'vitest';
import { initialSession, sessionReducer, type SessionState } from './session-state.js';
import type { ChatMessage, ChatSummary } from './sdk.js';

const chat: ChatSummary = {
  chat_id: 'c1',
  partner: { user_hash: 'u2', username: 'mira', age: 20, age_band: 'adult' },
  active: true,
  unread: 0,
  last_activity: 1,
  last_text: null,
  ended_reason: null,
  origin: 'match',
};
const msg = (over: Partial<ChatMessage>): ChatMessage => ({
  chat_id: 'c1',
  msg_id: 'm1',
  from_me: true,
  text: 'hi',
  ts: 10,
  status: 'sent',
  ...over,
});
const started = (): SessionState => sessionReducer(initialSession, { type: 'started', chat });

describe('sessionReducer', () => {
  it('never moves a delivery status backwards', () => {
    let s = sessionReducer(started(), { type: 'message', message: msg({}) });
    s = sessionReducer(s, { type: 'status', chat_id: 'c1', msg_id: 'm1', status: 'read' });
    s = sessionReducer(s, { type: 'status', chat_id: 'c1', msg_id: 'm1', status: 'delivered' });
    expect(s.messages.c1?.[0]?.status).toBe('read');
  });

  it('applies a status that arrived before the send call resolved', () => {
    let s = sessionReducer(started(), {
      type: 'message',
      message: msg({ msg_id: 'local-1', status: 'sending' }),
    });
    s = sessionReducer(s, { type: 'status', chat_id: 'c1', msg_id: 'm1', status: 'delivered' });
    s = sessionReducer(s, { type: 'message', message: msg({}), replaces: 'local-1' });
    expect(s.messages.c1).toEqual([msg({ status: 'delivered' })]);
    expect(s.earlyStatus).toEqual({});
  });

  it('never counts unread itself: the count is the SDK summary one', () => {
    let s = started();
    const m = msg({ from_me: false, msg_id: 'x' });
    s = sessionReducer(s, { type: 'message', message: m });
    s = sessionReducer(s, { type: 'message', message: m });
    expect(s.chats.c1?.unread).toBe(0);
    expect(s.chats.c1?.last_text).toBe('hi');
    s = sessionReducer(s, {
      type: 'updated',
      chat: { ...chat, unread: 3, last_activity: 10, last_text: 'hi' },
    });
    expect(s.chats.c1?.unread).toBe(3);
    s = sessionReducer(s, {
      type: 'updated',
      chat: { ...chat, unread: 0, last_activity: 10, last_text: 'hi' },
    });
    expect(s.chats.c1?.unread).toBe(0);
  });

  it('keeps a newer last line sent here over an older summary', () => {
    let s = sessionReducer(started(), { type: 'message', message: msg({ ts: 50, text: 'mine' }) });
    s = sessionReducer(s, {
      type: 'updated',
      chat: { ...chat, unread: 1, last_activity: 20, last_text: 'theirs' },
    });
    expect(s.chats.c1).toMatchObject({ unread: 1, last_text: 'mine', last_activity: 50 });
  });

  it('keeps "ended by me" even when the server notice came first', () => {
    let s = sessionReducer(started(), { type: 'ended', chat_id: 'c1', reason: 'left' });
    s = sessionReducer(s, { type: 'ended', chat_id: 'c1', reason: 'blocked', by_me: true });
    expect(s.chats.c1).toMatchObject({ active: false, ended_by_me: true, ended_reason: 'blocked' });
  });

  it('a match clears the search state', () => {
    const s = sessionReducer({ ...initialSession, search: 'waiting' }, { type: 'started', chat });
    expect(s.search).toBe('idle');
  });
});
