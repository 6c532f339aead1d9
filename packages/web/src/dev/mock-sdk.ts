/**
 * An in-memory stand-in for '@omechat/sdk', used only by `vite --mode mock` (see vite.config.ts) to
 * work on and screenshot the UI without a server. It follows the SDK's public API; nothing here is
 * encrypted and it is never part of a normal build.
 */
// The same public types as the real SDK (type imports are erased, so the mock alias is no cycle).
import type { ChatMessage, ChatSummary, ClientEvents, PartnerInfo } from '@omechat/sdk';
export type { ChatMessage, ChatSummary, ClientEvents, PartnerInfo };
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KeyStore {}

export const MAX_TEXT_LENGTH = 4000;
// Moderation vocabulary: the real catalogue (plain data), from where the SDK itself takes it; the
// mock stands in for '@omechat/sdk', so it cannot import that.
// eslint-disable-next-line no-restricted-imports
export {
  REPORT_REASONS,
  REPORT_REASON_CODES,
  MAX_APPEAL_TEXT_CHARS,
  MAX_REPORT_NOTE_CHARS,
} from '@omechat/protocol';
export const DEFAULT_REPORTED_MESSAGES = 20;
export const MODERATOR_TOKEN_PATTERN = /^m[0-9a-f]{32}\.[A-Za-z0-9]{64}$/;

/** The moderation page needs a server: in mock mode every call says so. */
export class ModeratorApi {
  constructor(_baseUrl: string, _token: string) {}
  async moderators(): Promise<never> {
    throw new MockError('SERVICE_BUSY', 'The moderation page needs a real server.');
  }
}

export class IndexedDbKeyStore implements KeyStore {
  constructor(readonly dbName = 'omechat') {}
}

class MockError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_KEY = 'omechat.mock-session';
const NAMES = ['Mira', 'Jonas', 'Aiko', 'Leandro', 'Sam', 'Noor', 'Tove', 'Kenji', 'Ada', 'Ravi'];
const REPLIES = [
  'Hey! Where are you writing from?',
  'Ha, same here. What are you up to today?',
  'That sounds fun 😄',
  'I have been reading a lot lately, mostly sci-fi.',
  'Nice talking to you!',
];
const hex = (n = 64) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const band = (age: number): PartnerInfo['age_band'] =>
  age < 16 ? 'minor-young' : age < 18 ? 'minor-old' : 'adult';

export class OmeChatClient {
  private handlers = new Map<string, Set<(p: unknown) => void>>();
  private chats = new Map<string, ChatSummary>();
  private msgs = new Map<string, ChatMessage[]>();
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private replyIndex = 0;
  readonly client_hash = hex();

  private constructor(
    readonly user_hash: string,
    readonly username: string,
    readonly age: number,
  ) {
    const now = Date.now();
    const a = this.partner();
    const b = this.partner();
    this.chats.set('c1', {
      chat_id: 'c1',
      partner: a,
      active: true,
      unread: 2,
      last_activity: now - 60_000,
      last_text: 'Do you like hiking?',
      ended_reason: null,
      origin: 'match',
    });
    this.chats.set('c2', {
      chat_id: 'c2',
      partner: b,
      active: false,
      unread: 0,
      last_activity: now - 86_400_000,
      last_text: 'bye!',
      ended_reason: 'left',
      origin: 'invitation',
    });
    this.msgs.set('c1', [
      this.msg('c1', false, 'Hi there 👋', now - 300_000, 'read'),
      this.msg('c1', true, 'Hello! How is your day going?', now - 240_000, 'read'),
      this.msg('c1', true, 'It is raining here, so I am inside with tea.', now - 230_000, 'delivered'),
      this.msg('c1', false, 'Pretty good, just got back from a walk.', now - 120_000, 'read'),
      this.msg('c1', false, 'Do you like hiking?', now - 60_000, 'read'),
    ]);
    this.msgs.set('c2', [
      this.msg('c2', false, 'hey', now - 86_500_000, 'read'),
      this.msg('c2', true, 'hi!', now - 86_450_000, 'read'),
      this.msg('c2', false, 'bye!', now - 86_400_000, 'read'),
    ]);
  }

  private partner(): PartnerInfo {
    const age = Math.max(13, Math.min(120, this.age + Math.round(Math.random() * 2 - 1)));
    const name = NAMES[Math.floor(Math.random() * NAMES.length)] ?? 'Sam';
    return {
      user_hash: hex(),
      username: `${name}${Math.floor(Math.random() * 90 + 10)}`,
      age,
      age_band: band(age),
    };
  }

  private msg(chat_id: string, from_me: boolean, text: string, ts: number, status: ChatMessage['status']) {
    return { chat_id, msg_id: hex(16), from_me, text, ts, status };
  }

  private emit<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]) {
    for (const h of this.handlers.get(event) ?? []) h(payload);
  }

  static async createAccount(
    _baseUrl: string,
    input: { username: string; age: number },
    opts: {
      onChallenge?: (c: { level: number; max: number }) => void;
      onProgress?: (p: { tried: number; max: number }) => void;
    } = {},
  ) {
    // A pretend proof of work, so the progress bar can be looked at without a server.
    opts.onChallenge?.({ level: 1, max: 16 });
    for (let tried = 1; tried <= 8; tried++) {
      await sleep(50);
      opts.onProgress?.({ tried, max: 16 });
    }
    if (input.username.trim().length < 3) throw new MockError('USERNAME_INVALID', 'Username too short.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const secret = Array.from({ length: 64 }, () => alphabet[Math.floor(Math.random() * 62)]).join('');
    return { user_hash: hex(), secret, username: input.username, age: input.age };
  }

  static async signIn(opts: { baseUrl: string; username: string; secret: string; keyStore: KeyStore }) {
    await sleep(400);
    if (opts.secret.length !== 64) throw new MockError('INVALID_CREDENTIALS', 'Wrong username or secret.');
    const age = /(\d\d)$/.exec(opts.username)?.[1];
    const session = { user_hash: hex(), username: opts.username, age: age ? Number(age) : 27 };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    return new OmeChatClient(session.user_hash, session.username, session.age);
  }

  /** The mock never has a legacy secret to replace. */
  takeRotatedSecret(): string | null {
    return null;
  }

  async rotateSecret(_oldSecret: string, _legacySecret = false): Promise<string> {
    await sleep(400);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length: 64 }, () => alphabet[Math.floor(Math.random() * 62)]).join('');
  }

  static async restore(_opts: { baseUrl: string; keyStore: KeyStore }) {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as { user_hash: string; username: string; age: number };
    return new OmeChatClient(s.user_hash, s.username, s.age);
  }

  async connect() {
    this.emit('state', 'connecting');
    await sleep(300);
    this.emit('state', 'online');
  }
  close() {}
  on<E extends keyof ClientEvents>(event: E, handler: (payload: ClientEvents[E]) => void): () => void {
    const set = this.handlers.get(event) ?? new Set();
    this.handlers.set(event, set);
    set.add(handler as (p: unknown) => void);
    return () => set.delete(handler as (p: unknown) => void);
  }
  async listChats() {
    return [...this.chats.values()].map((c) => ({ ...c }));
  }
  async history(chat_id: string) {
    return [...(this.msgs.get(chat_id) ?? [])];
  }
  async sendText(chat_id: string, text: string) {
    await sleep(250);
    const chat = this.chats.get(chat_id);
    if (!chat?.active) throw new MockError('CHAT_NOT_FOUND', 'This chat has ended.');
    const m = this.msg(chat_id, true, text, Date.now(), 'sent');
    this.msgs.get(chat_id)?.push(m);
    setTimeout(() => this.emit('message.status', { chat_id, msg_id: m.msg_id, status: 'delivered' }), 700);
    setTimeout(() => this.emit('message.status', { chat_id, msg_id: m.msg_id, status: 'read' }), 1600);
    setTimeout(() => this.emit('typing', { chat_id, typing: true }), 1800);
    setTimeout(() => {
      this.emit('typing', { chat_id, typing: false });
      const reply = REPLIES[this.replyIndex++ % REPLIES.length] ?? 'ok';
      const r = this.msg(chat_id, false, reply, Date.now(), 'delivered');
      this.msgs.get(chat_id)?.push(r);
      this.emit('message', r);
      // Like the SDK: the summary (and its unread count) follows every received message.
      const c = this.chats.get(chat_id);
      if (c) {
        Object.assign(c, { unread: c.unread + 1, last_text: reply, last_activity: r.ts });
        this.emit('chat.updated', { ...c });
      }
    }, 3800);
    return { ...m };
  }
  setTyping(_chat_id: string, _typing: boolean) {}
  async markRead(chat_id: string) {
    const c = this.chats.get(chat_id);
    if (c && c.unread > 0) {
      c.unread = 0;
      this.emit('chat.updated', { ...c });
    }
  }
  private startChat(partner: PartnerInfo, origin: ChatSummary['origin'] = 'match') {
    const chat: ChatSummary = {
      chat_id: hex(12),
      partner,
      active: true,
      unread: 0,
      last_activity: Date.now(),
      last_text: null,
      ended_reason: null,
      origin,
    };
    this.chats.set(chat.chat_id, chat);
    this.msgs.set(chat.chat_id, []);
    this.emit('chat.started', { ...chat });
  }
  async findStranger(_tolerance: number): Promise<'waiting' | 'matched'> {
    await sleep(200);
    this.searchTimer = setTimeout(() => this.startChat(this.partner()), 3000);
    return 'waiting';
  }
  async cancelSearch() {
    clearTimeout(this.searchTimer);
  }
  async next(chat_id: string, tolerance: number) {
    await this.leave(chat_id);
    return this.findStranger(tolerance);
  }
  async leave(chat_id: string) {
    const c = this.chats.get(chat_id);
    if (c) Object.assign(c, { active: false, ended_reason: 'left' });
  }
  async standing() {
    return { banned: null, restricted: null, strikes: [] };
  }
  static async standingOf(_o: unknown) {
    return { banned: null, restricted: null, strikes: [] };
  }
  static async appeal(_o: unknown): Promise<never> {
    throw new MockError('NOT_FOUND', 'No such decision.');
  }
  async reportPreview(chat_id: string) {
    return (this.msgs.get(chat_id) ?? []).filter((m) => !m.from_me).slice(-DEFAULT_REPORTED_MESSAGES);
  }
  async report(chat_id: string, _opts: unknown) {
    const c = this.chats.get(chat_id);
    if (c) Object.assign(c, { active: false, ended_reason: 'blocked', reported: true, blocked: true });
    return { report_id: hex(32), created_at: Date.now(), messages: 1, blocked: true as const };
  }
  async block(chat_id: string) {
    const c = this.chats.get(chat_id);
    if (c) Object.assign(c, { active: false, ended_reason: 'blocked' });
  }
  async browse(_tolerance: number, limit = 8) {
    await sleep(300);
    return Array.from({ length: Math.min(limit, 6) }, () => this.partner());
  }
  async setAvailability(open: boolean, _tolerance: number) {
    if (open)
      setTimeout(() => this.emit('invite.received', { invitation_id: hex(12), from: this.partner() }), 5000);
  }
  async invite(_user_hash: string, _tolerance: number) {
    await sleep(300);
  }
  async answerInvite(_invitation_id: string, accept: boolean) {
    if (accept) this.startChat(this.partner(), 'invitation');
  }
  async safetyNumber(_chat_id: string) {
    const digits = Array.from({ length: 60 }, (_, i) => String((i * 7 + 3) % 10)).join('');
    return { digits, groups: digits.match(/\d{5}/g) ?? [] };
  }
  async listDevices() {
    return [
      {
        client_hash: this.client_hash,
        label: 'Chromium on Linux',
        created_at: new Date().toISOString(),
        last_seen_day: new Date().toISOString().slice(0, 10),
        current: true,
      },
      {
        client_hash: hex(),
        label: 'Firefox on Android',
        created_at: new Date(Date.now() - 9 * 86_400_000).toISOString(),
        last_seen_day: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
        current: false,
      },
    ];
  }
  async revokeDevice(_client_hash: string) {}
  async deleteAccount() {
    sessionStorage.removeItem(SESSION_KEY);
    this.emit('signed-out', { reason: 'deleted' });
  }
  async signOut() {
    sessionStorage.removeItem(SESSION_KEY);
    this.emit('signed-out', { reason: 'local' });
  }
}
