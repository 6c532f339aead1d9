import type { ChatInfo, DeliveredEnvelope, ServerFrameOf } from '@omechat/protocol';
import type { ClientEventSink } from './client-event-sink.js';
import type { ClientRequester } from './client-connection.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import type { PeerSessions } from './peer-sessions.js';
import { evidenceOp } from './received-evidence.js';
import type { ChatEndReason, ChatMessage, ChatSummary } from './sdk-types.js';
import type { WriteQueue } from './write-queue.js';

/** What receiving needs of the sessions: open one envelope (inside the queue). */
export type EnvelopeOpener = Pick<PeerSessions, 'open'>;

export interface LocalChatsDeps {
  store: KeyStore;
  queue: WriteQueue;
  connection: ClientRequester;
  opener: EnvelopeOpener;
  events: ClientEventSink;
  user_hash: string;
}

const TYPING_THROTTLE_MS = 3000;
const chatKey = (chat_id: string) => `chat:${chat_id}`;
const msgPrefix = (chat_id: string) => `msg:${chat_id}:`;
const msgKey = (chat_id: string, msg_id: string) => `msg:${chat_id}:${msg_id}`;

/**
 * The chats and decrypted history kept on this device: chat summaries (active and ended), messages,
 * unread counts, read receipts and typing notices. Every change is one store write in the shared
 * `WriteQueue`; other modules add their own ops to such a write with `summaryOp` / `messageOp`.
 */
export class LocalChats {
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Counts chat starts/ends and chat-list requests, so a list never undoes a newer change. */
  private changeSeq = 0;
  /** When (in `changeSeq`) each chat last started or ended on this device. */
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly deps: LocalChatsDeps) {}

  chat(chat_id: string): Promise<ChatSummary | undefined> {
    return this.deps.store.get<ChatSummary>(chatKey(chat_id));
  }

  message(chat_id: string, msg_id: string): Promise<ChatMessage | undefined> {
    return this.deps.store.get<ChatMessage>(msgKey(chat_id, msg_id));
  }

  summaryOp(summary: ChatSummary): KeyStoreOp {
    return { key: chatKey(summary.chat_id), value: summary };
  }

  messageOp(message: ChatMessage): KeyStoreOp {
    return { key: msgKey(message.chat_id, message.msg_id), value: message };
  }

  /** Active chats from the server merged with ended ones kept on this device, newest activity first. */
  async list(): Promise<ChatSummary[]> {
    const out: ChatSummary[] = [];
    for (const key of await this.deps.store.keys('chat:')) {
      const c = await this.deps.store.get<ChatSummary>(key);
      if (c) out.push(c);
    }
    return out.sort((a, b) => b.last_activity - a.last_activity);
  }

  /** The decrypted history of a chat on this device, oldest first. */
  async history(chat_id: string): Promise<ChatMessage[]> {
    const out: ChatMessage[] = [];
    for (const key of await this.deps.store.keys(msgPrefix(chat_id))) {
      const m = await this.deps.store.get<ChatMessage>(key);
      if (m) out.push(m);
    }
    return out.sort((a, b) => a.ts - b.ts || (a.msg_id < b.msg_id ? -1 : 1));
  }

  /** Opens an envelope and stores its ratchet step, the message and the chat summary in one write. */
  receive(env: DeliveredEnvelope): Promise<void> {
    return this.deps.queue.run(async () => {
      const { store, connection, events } = this.deps;
      const fromMe = env.from_user === this.deps.user_hash;
      const key = msgKey(env.chat_id, env.msg_id);
      if (await store.get(key)) {
        connection.ack(env.id); // a redelivery of something already stored
        return;
      }
      const opened = await this.deps.opener.open(env);
      if (!opened.ok) {
        if (opened.ops.length) await store.write(opened.ops);
        connection.ack(env.id);
        events.emit('error', {
          code: opened.code,
          message: 'A message could not be decrypted or verified and was dropped.',
        });
        return;
      }
      const { text } = opened;
      const ops: KeyStoreOp[] = [...opened.ops];
      let message: ChatMessage | null = null;
      let summary: ChatSummary | null = null;
      if (text !== null) {
        message = {
          chat_id: env.chat_id,
          msg_id: env.msg_id,
          from_me: fromMe,
          text,
          ts: env.ts,
          status: fromMe ? 'sent' : 'delivered',
        };
        ops.push({ key, value: message });
        // A received message stays reportable for as long as it is kept.
        if (!fromMe) ops.push(evidenceOp(env, opened.franking));
        const chat = await this.chat(env.chat_id);
        if (chat) {
          summary = {
            ...chat,
            unread: fromMe ? chat.unread : chat.unread + 1,
            last_activity: Math.max(chat.last_activity, env.ts),
            last_text: text,
          };
          ops.push(this.summaryOp(summary));
        }
      }
      await store.write(ops);
      connection.ack(env.id);
      if (message) events.emit('message', message);
      // The unread count lives here only: apps show the summary's count, never count themselves.
      if (summary) events.emit('chat.updated', summary);
    });
  }

  /** A chat began (a match or an accepted invitation), or this device learnt of it. */
  start(info: ChatInfo): Promise<ChatSummary> {
    this.changedAt.set(info.chat_id, ++this.changeSeq);
    return this.deps.queue.run(async () => {
      const summary = await this.save(info);
      this.deps.events.emit('chat.started', summary);
      return summary;
    });
  }

  end(chat_id: string, reason: ChatEndReason): Promise<void> {
    this.changedAt.set(chat_id, ++this.changeSeq);
    return this.deps.queue.run(() => this.markEnded(chat_id, reason));
  }

  /** Marks the chat blocked (and reported) on this device, after the server did so. */
  markFlags(chat_id: string, flags: { blocked?: true; reported?: true }): Promise<ChatSummary | undefined> {
    return this.deps.queue.run(async () => {
      const chat = await this.chat(chat_id);
      if (!chat) return undefined;
      const updated = { ...chat, ...flags };
      await this.deps.store.write([this.summaryOp(updated)]);
      this.deps.events.emit('chat.updated', updated);
      return updated;
    });
  }

  /** A read receipt from the partner, or a read on another of this user's devices. */
  readNotice(f: ServerFrameOf<'read'>): Promise<void> {
    return this.deps.queue.run(async () => {
      const { store, events } = this.deps;
      if (f.user_hash === this.deps.user_hash) {
        // Read on another of my devices: clear the unread count here too.
        const chat = await this.chat(f.chat_id);
        if (chat && chat.unread > 0) {
          const updated = { ...chat, unread: 0 };
          await store.write([this.summaryOp(updated)]);
          events.emit('chat.updated', updated);
        }
        return;
      }
      const read = await this.message(f.chat_id, f.msg_id);
      const upTo = read?.ts ?? Number.MAX_SAFE_INTEGER;
      const ops: KeyStoreOp[] = [];
      const changed: ChatMessage[] = [];
      for (const m of await this.history(f.chat_id)) {
        // A message still 'sending' here may already be read there: its sender's ack waits until
        // the partner's device acknowledged it (docs/protocol.md), and the receipt can overtake it.
        if (m.from_me && m.ts <= upTo && m.status !== 'read' && m.status !== 'failed') {
          const updated = { ...m, status: 'read' as const };
          ops.push(this.messageOp(updated));
          changed.push(updated);
        }
      }
      if (ops.length) await store.write(ops);
      for (const m of changed)
        events.emit('message.status', { chat_id: m.chat_id, msg_id: m.msg_id, status: 'read' });
    });
  }

  /**
   * Saves the server's active chats; marks chats this device thinks active but the server does not
   * know as ended. The list is as old as the request: a chat that started or ended here after the
   * request was sent (its `match.found`/`chat.ended` overtook the reply) keeps its newer state.
   */
  async sync(): Promise<void> {
    const asked = ++this.changeSeq;
    const reply = await this.deps.connection.request({ type: 'chats.list' }, 'chats');
    await this.deps.queue.run(async () => {
      const newer = (chat_id: string) => (this.changedAt.get(chat_id) ?? 0) > asked;
      const active = new Set(reply.chats.map((c) => c.chat_id));
      for (const info of reply.chats) if (!newer(info.chat_id)) await this.save(info);
      for (const c of await this.list()) {
        if (c.active && !active.has(c.chat_id) && !newer(c.chat_id))
          await this.markEnded(c.chat_id, c.ended_reason ?? 'left');
      }
    });
  }

  /** Marks the chat read here and tells the partner (read receipts) and this user's other devices. */
  async markRead(chat_id: string): Promise<void> {
    const chat = await this.chat(chat_id);
    if (!chat) return;
    const last = (await this.history(chat_id)).filter((m) => !m.from_me).at(-1);
    if (chat.unread > 0) {
      const updated = { ...chat, unread: 0 };
      await this.deps.queue.run(() => this.deps.store.write([this.summaryOp(updated)]));
      this.deps.events.emit('chat.updated', updated);
    }
    if (last && chat.active)
      await this.deps.connection.request({ type: 'read', chat_id, msg_id: last.msg_id }, 'ok');
  }

  setTyping(chat_id: string, typing: boolean): void {
    // Throttle "typing: true" to one frame per 3 s; "false" goes at once.
    if (typing && this.typingTimers.has(chat_id)) return;
    if (typing)
      this.typingTimers.set(
        chat_id,
        setTimeout(() => this.typingTimers.delete(chat_id), TYPING_THROTTLE_MS),
      );
    else {
      clearTimeout(this.typingTimers.get(chat_id));
      this.typingTimers.delete(chat_id);
    }
    this.deps.connection.send({ type: 'typing', chat_id, typing });
  }

  private async save(info: ChatInfo): Promise<ChatSummary> {
    const existing = await this.chat(info.chat_id);
    const summary: ChatSummary = existing
      ? { ...existing, partner: info.partner, active: true, ended_reason: null }
      : {
          chat_id: info.chat_id,
          partner: info.partner,
          active: true,
          unread: 0,
          last_activity: info.created_at,
          last_text: null,
          ended_reason: null,
          origin: info.origin,
        };
    await this.deps.store.write([this.summaryOp(summary)]);
    return summary;
  }

  private async markEnded(chat_id: string, reason: ChatEndReason): Promise<void> {
    const chat = await this.chat(chat_id);
    if (chat) await this.deps.store.write([this.summaryOp({ ...chat, active: false, ended_reason: reason })]);
    this.deps.events.emit('chat.ended', { chat_id, reason });
  }
}
