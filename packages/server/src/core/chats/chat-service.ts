import { OmeChatError, type ChatInfo, type PartnerInfo, type ServerFrameOf } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { AccountStore, ChatRecord, ChatStore, EnvelopeStore } from '../../ports/store.js';
import type { ClusterHub } from '../cluster/cluster-hub.js';
import { ageBand, currentAge, mayMeet } from '../matching/atss.js';
import { randomHash } from '../random-string.js';
import { TypedEmitter } from '../typed-emitter.js';

/** Default of ENDED_CHAT_PENDING_DAYS. */
const ENDED_CHAT_PENDING_MS = 7 * 86_400_000;

export type ChatEndReason = ServerFrameOf<'chat.ended'>['reason'];

export interface ChatServiceEvents {
  /** A chat ended (its record is already deleted); matching uses it to remember skips. */
  ended: { chat: ChatRecord; reason: ChatEndReason };
}

export interface ChatServiceDeps {
  store: ChatStore & AccountStore & Pick<EnvelopeStore, 'limitChatEnvelopes'>;
  /** Frames reach the users' connections on every node; ended chats are dropped from every node's cache. */
  hub: ClusterHub;
  clock: Clock;
  /**
   * How long what is still undelivered of a chat is kept once the chat ended
   * (ENDED_CHAT_PENDING_DAYS): pending envelopes name sender and recipient device, so after a chat
   * ends they may not outlive delivery by much (docs/security.md).
   */
  endedChatPendingMs?: number;
  /** Keeps what lets members report a chat after it ended (moderation's report windows). */
  endedChats?: { record(chat: ChatRecord): Promise<void> };
}

/**
 * Chats (DESIGN §6): created by a match or an accepted invitation, ended by leave/next/block.
 * Messages, typing notices and key bundles pass only between the two users of an active chat.
 * Active chats are cached in memory: membership is checked on every message.
 */
export class ChatService {
  private readonly cache = new Map<string, ChatRecord>();
  private readonly ageCache = new Map<string, { age_at_signup: number; created_at: number }>();
  readonly events = new TypedEmitter<ChatServiceEvents>();

  constructor(private readonly deps: ChatServiceDeps) {
    // A chat ended on another node must not stay cached here: sends into it would be accepted.
    deps.hub.events.on('invalidated', ({ cache, key }) => {
      if (cache === 'chat') this.cache.delete(key);
    });
  }

  async create(user_a: string, user_b: string, origin: ChatRecord['origin']): Promise<ChatRecord> {
    const chat: ChatRecord = {
      chat_id: randomHash(16),
      user_a,
      user_b,
      origin,
      created_at: this.deps.clock.now(),
    };
    await this.deps.store.createChat(chat);
    this.cache.set(chat.chat_id, chat);
    const frameType = origin === 'match' ? 'match.found' : 'chat.started';
    for (const [me, other] of [
      [user_a, user_b],
      [user_b, user_a],
    ] as const) {
      const info = await this.chatInfo(chat, me, other);
      if (info) this.deps.hub.sendToUser(me, { type: frameType, chat: info });
    }
    return chat;
  }

  async get(chat_id: string): Promise<ChatRecord | null> {
    const cached = this.cache.get(chat_id);
    if (cached) return cached;
    const chat = await this.deps.store.getChat(chat_id);
    if (chat) this.cache.set(chat_id, chat);
    return chat;
  }

  /** The chat and the partner of `user_hash` in it; NOT_IN_CHAT when the user is not a member. */
  async requireMember(chat_id: string, user_hash: string): Promise<{ chat: ChatRecord; partner: string }> {
    const chat = await this.get(chat_id);
    if (!chat || (chat.user_a !== user_hash && chat.user_b !== user_hash))
      throw new OmeChatError('NOT_IN_CHAT');
    // ATSS: a partner who crossed the wall at 18 (or 16) since the chat began may no longer be reached.
    if (!(await this.agesStillCompatible(chat))) {
      await this.end(chat_id, 'age_wall');
      throw new OmeChatError('NOT_IN_CHAT');
    }
    return { chat, partner: chat.user_a === user_hash ? chat.user_b : chat.user_a };
  }

  /**
   * `requireMember` without a promise when everything it needs is cached (the relay's hot path);
   * undefined when something must be loaded or the chat must be ended, so the caller falls back.
   */
  memberIfCached(chat_id: string, user_hash: string): { chat: ChatRecord; partner: string } | undefined {
    const chat = this.cache.get(chat_id);
    if (!chat || (chat.user_a !== user_hash && chat.user_b !== user_hash)) return undefined;
    const a = this.ageCache.get(chat.user_a);
    const b = this.ageCache.get(chat.user_b);
    if (!a || !b) return undefined;
    const now = this.deps.clock.now();
    const ok = mayMeet(
      { age: currentAge(a.age_at_signup, a.created_at, now), tolerance: 5 },
      { age: currentAge(b.age_at_signup, b.created_at, now), tolerance: 5 },
    );
    return ok ? { chat, partner: chat.user_a === user_hash ? chat.user_b : chat.user_a } : undefined;
  }

  /** Typing notices go to the partner's connected clients only. */
  async typing(principal: { user_hash: string }, chat_id: string, typing: boolean): Promise<void> {
    const { partner } = await this.requireMember(chat_id, principal.user_hash);
    this.deps.hub.sendToUser(partner, { type: 'typing', chat_id, user_hash: principal.user_hash, typing });
  }

  /** Read notices go to the partner and to the reader's own other clients (to clear their unread counts). */
  async read(
    principal: { user_hash: string; client_hash: string },
    chat_id: string,
    msg_id: string,
  ): Promise<void> {
    const { partner } = await this.requireMember(chat_id, principal.user_hash);
    const frame = { type: 'read', chat_id, user_hash: principal.user_hash, msg_id } as const;
    this.deps.hub.sendToUser(partner, frame);
    this.deps.hub.sendToUser(principal.user_hash, frame, principal.client_hash);
  }

  private async agesStillCompatible(chat: ChatRecord): Promise<boolean> {
    const now = this.deps.clock.now();
    const ages: number[] = [];
    for (const u of [chat.user_a, chat.user_b]) {
      let rec = this.ageCache.get(u);
      if (!rec) {
        const user = await this.deps.store.getUser(u);
        if (!user) return false;
        rec = { age_at_signup: user.age_at_signup, created_at: user.created_at };
        if (this.ageCache.size > 200_000) this.ageCache.clear();
        this.ageCache.set(u, rec);
      }
      ages.push(currentAge(rec.age_at_signup, rec.created_at, now));
    }
    // The chat's tolerances are not kept; the widest one (5) still enforces both walls.
    return mayMeet({ age: ages[0]!, tolerance: 5 }, { age: ages[1]!, tolerance: 5 });
  }

  async list(user_hash: string): Promise<ChatInfo[]> {
    const chats = await this.deps.store.listChats(user_hash);
    const out: ChatInfo[] = [];
    for (const chat of chats) {
      this.cache.set(chat.chat_id, chat);
      const info = await this.chatInfo(
        chat,
        user_hash,
        chat.user_a === user_hash ? chat.user_b : chat.user_a,
      );
      if (info) out.push(info);
    }
    return out;
  }

  async partnersOf(user_hash: string): Promise<{ chat_id: string; partner: string }[]> {
    const chats = await this.deps.store.listChats(user_hash);
    return chats.map((c) => ({ chat_id: c.chat_id, partner: c.user_a === user_hash ? c.user_b : c.user_a }));
  }

  async sharesChat(a: string, b: string): Promise<boolean> {
    if (a === b) return true;
    return (await this.partnersOf(a)).some((p) => p.partner === b);
  }

  /** Ends a chat for both sides with a notice; deleting the record leaves no trace of the pair. */
  async end(chat_id: string, reason: ChatEndReason): Promise<boolean> {
    const chat = await this.get(chat_id);
    if (!chat) return false;
    // Before the record goes: if this fails, the chat stays and the caller can try again.
    await this.deps.endedChats?.record(chat);
    await this.deps.store.limitChatEnvelopes(
      chat_id,
      this.deps.clock.now() + (this.deps.endedChatPendingMs ?? ENDED_CHAT_PENDING_MS),
    );
    this.cache.delete(chat_id);
    const deleted = await this.deps.store.deleteChat(chat_id);
    // After the delete, so another node that reloads the chat finds it gone.
    this.deps.hub.invalidate('chat', chat_id);
    if (!deleted) return false;
    for (const u of [chat.user_a, chat.user_b])
      this.deps.hub.sendToUser(u, { type: 'chat.ended', chat_id, reason });
    this.events.emit('ended', { chat, reason });
    return true;
  }

  async endAllOf(user_hash: string, reason: ChatEndReason): Promise<void> {
    for (const { chat_id } of await this.partnersOf(user_hash)) await this.end(chat_id, reason);
  }

  private async chatInfo(chat: ChatRecord, _me: string, other: string): Promise<ChatInfo | null> {
    const partner = await this.partnerInfo(other);
    return partner && { chat_id: chat.chat_id, partner, created_at: chat.created_at, origin: chat.origin };
  }

  async partnerInfo(user_hash: string): Promise<PartnerInfo | null> {
    const u = await this.deps.store.getUser(user_hash);
    if (!u) return null;
    const age = currentAge(u.age_at_signup, u.created_at, this.deps.clock.now());
    return { user_hash, username: u.username, age, age_band: ageBand(age) };
  }
}
