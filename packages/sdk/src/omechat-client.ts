import {
  addOneTimePrekeys,
  checkFranking,
  CryptoError,
  encodeBundle,
  formatSafetyNumber,
  generateDevice,
  generatePrekeys,
  identityFromSecret,
  publicBundle,
  bundleWithOneTimePrekey,
  safetyNumber,
  type DeviceKeys,
  type Identity,
  type PrekeySet,
} from '@omechat/crypto';
import {
  OmeChatError,
  type ChatInfo,
  type DeliveredEnvelope,
  type PartnerInfo,
  type ServerFrame,
  type ServerFrameOf,
} from '@omechat/protocol';
import { DeviceSessions, sessionKey, type DeviceSessionRecord } from './device-sessions.js';
import { HttpApi } from './http-api.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import { decodeTextBody, encodeTextBody, MAX_TEXT_LENGTH } from './message-body.js';
import type {
  ChatMessage,
  ChatSummary,
  ClientEvents,
  ConnectionState,
  MessageStatus,
  SafetyNumber,
} from './sdk-types.js';
import { TypedEmitter } from './typed-emitter.js';
import { WsConnection, type WebSocketConstructor } from './ws-connection.js';
import type { WsRequestFrame } from './ws-request-types.js';

/** What this device keeps about its account (never the account secret). */
interface AccountRecord {
  user_hash: string;
  client_hash: string;
  access_token: string;
  username: string;
  age: number;
}

/** A message sent but not yet acknowledged by the server: resent as-is after a reconnect. */
type ReadyOutbox = OutboxRecord & { frame: NonNullable<OutboxRecord['frame']> };

interface OutboxRecord {
  chat_id: string;
  msg_id: string;
  /** The encrypted frame, once made; resent unchanged until acknowledged. */
  frame?: Extract<WsRequestFrame, { type: 'message.send' }>;
  /** Set once the message was re-encrypted after the server refused a stale device list. */
  retried?: boolean;
}

export interface SignInOptions {
  baseUrl: string;
  username: string;
  secret: string;
  keyStore: KeyStore;
  label?: string;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
}

export interface RestoreOptions {
  baseUrl: string;
  keyStore: KeyStore;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
}

const ONE_TIME_PREKEYS = 100;
const PREKEY_REFILL = 50;
const chatKey = (chat_id: string) => `chat:${chat_id}`;
const msgPrefix = (chat_id: string) => `msg:${chat_id}:`;
const msgKey = (chat_id: string, msg_id: string) => `msg:${chat_id}:${msg_id}`;
const peerKeyKey = (user_hash: string) => `peerkey:${user_hash}`;
const outboxKey = (msg_id: string) => `outbox:${msg_id}`;

function randomHex(bytes: number): string {
  return [...globalThis.crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/**
 * The OmeChat client: one per signed-in device, in the browser or in Node. It keeps keys, sessions
 * and the decrypted history in a `KeyStore`, talks to the server over HTTP and one WebSocket, and
 * reconnects by itself. Every state change (ratchet step + message + chat summary) is one atomic
 * store write; all of them run one at a time, in order.
 */
export class OmeChatClient extends TypedEmitter<ClientEvents> {
  private readonly http: HttpApi;
  private readonly sessions: DeviceSessions;
  private ws: WsConnection | null = null;
  private serial: Promise<unknown> = Promise.resolve();
  private stateValue: ConnectionState = 'offline';
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly delivering = new Set<string>();
  private pendingAcks: string[] = [];
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** The tolerance of a search in progress: the server forgets the queue when the socket drops. */
  private searching: number | null = null;

  private constructor(
    private readonly baseUrl: string,
    private readonly store: KeyStore,
    private readonly account: AccountRecord,
    private readonly identity: Identity,
    private readonly device: DeviceKeys,
    private readonly opts: { WebSocketImpl?: WebSocketConstructor; fetchImpl?: typeof fetch },
  ) {
    super();
    this.http = new HttpApi(baseUrl, opts.fetchImpl);
    this.sessions = new DeviceSessions(store, device);
  }

  // ---- accounts -------------------------------------------------------------------------------

  /** Creates an account; the returned secret is shown to the user once and never stored here. */
  static async createAccount(
    baseUrl: string,
    input: { username: string; age: number },
    fetchImpl?: typeof fetch,
  ) {
    return new HttpApi(baseUrl, fetchImpl).createAccount(input);
  }

  /** Signs this device in with username + secret: a new client, fresh device keys, the derived identity. */
  static async signIn(o: SignInOptions): Promise<OmeChatClient> {
    const http = new HttpApi(o.baseUrl, o.fetchImpl);
    const creds = await http.createClient({
      username: o.username,
      secret: o.secret,
      ...(o.label ? { label: o.label } : {}),
    });
    const info = await http.getAccount(creds);
    const identity = identityFromSecret(o.secret, creds.user_hash);
    const device = generateDevice(identity);
    const prekeys = generatePrekeys(device, ONE_TIME_PREKEYS);
    const account: AccountRecord = { ...creds, username: info.username, age: info.age };
    await o.keyStore.clear();
    await o.keyStore.write([
      { key: 'account', value: account },
      { key: 'identity', value: identity },
      { key: 'device', value: device },
      { key: 'prekeys', value: prekeys },
      { key: 'prekeys_uploaded', value: false },
    ]);
    return new OmeChatClient(o.baseUrl, o.keyStore, account, identity, device, o);
  }

  /** The client of a device that signed in before, or null. */
  static async restore(o: RestoreOptions): Promise<OmeChatClient | null> {
    const account = await o.keyStore.get<AccountRecord>('account');
    const identity = await o.keyStore.get<Identity>('identity');
    const device = await o.keyStore.get<DeviceKeys>('device');
    if (!account || !identity || !device) return null;
    return new OmeChatClient(o.baseUrl, o.keyStore, account, identity, device, o);
  }

  get user_hash(): string {
    return this.account.user_hash;
  }
  get client_hash(): string {
    return this.account.client_hash;
  }
  get username(): string {
    return this.account.username;
  }
  get age(): number {
    return this.account.age;
  }
  get state(): ConnectionState {
    return this.stateValue;
  }

  private get creds() {
    return { client_hash: this.account.client_hash, access_token: this.account.access_token };
  }

  listDevices() {
    return this.http.listClients(this.creds);
  }

  async revokeDevice(client_hash: string): Promise<void> {
    await this.http.revokeClient(this.creds, client_hash);
    if (client_hash === this.client_hash) await this.forget('revoked');
  }

  async deleteAccount(): Promise<void> {
    await this.http.deleteAccount(this.creds);
    await this.forget('deleted');
  }

  /** Signs this device out: revokes its client on the server and wipes local keys and history. */
  async signOut(): Promise<void> {
    try {
      await this.http.revokeClient(this.creds, this.client_hash);
    } catch (e) {
      if (!(e instanceof OmeChatError) || e.code !== 'UNAUTHENTICATED') throw e;
    }
    await this.forget('local');
  }

  private async forget(reason: ClientEvents['signed-out']['reason']): Promise<void> {
    this.close();
    await this.store.clear();
    this.emit('signed-out', { reason });
  }

  // ---- connection -----------------------------------------------------------------------------

  /** Connects (and from then on reconnects by itself) and resolves once authenticated. */
  async connect(): Promise<void> {
    if (this.ws) return;
    const url = this.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/api/v1/ws';
    const ws = new WsConnection({
      url,
      ...this.creds,
      ...(this.opts.WebSocketImpl ? { WebSocketImpl: this.opts.WebSocketImpl } : {}),
    });
    this.ws = ws;
    this.setState('connecting');
    ws.on('open', () => {
      this.setState('online');
      void this.afterOpen().catch((e) => this.reportError(e));
    });
    ws.on('reconnecting', () => this.setState('connecting'));
    ws.on('close', () => this.setState(this.ws ? 'connecting' : 'offline'));
    ws.on('unauthenticated', () => void this.forget('revoked'));
    ws.on('frame', (f: ServerFrame) => this.onFrame(f));
    await ws.connect();
  }

  close(): void {
    this.flushAcks();
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.setState('offline');
  }

  private setState(s: ConnectionState) {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.emit('state', s);
  }

  private request<T extends ServerFrame['type']>(
    frame: WsRequestFrame,
    expect: T,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    if (!this.ws)
      return Promise.reject(
        new OmeChatError('SERVICE_BUSY', { message: 'Not connected; call connect() first.' }),
      );
    return this.ws.request(frame).then((reply: ServerFrame) => {
      if (reply.type !== expect && !(expect === 'ok' && reply.type === 'ok')) {
        throw new OmeChatError('INTERNAL', { message: `Unexpected reply ${reply.type} to ${frame.type}` });
      }
      return reply as Extract<ServerFrame, { type: T }>;
    });
  }

  /** Runs state changes one at a time, in order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async afterOpen(): Promise<void> {
    if (!(await this.store.get<boolean>('prekeys_uploaded'))) await this.uploadPrekeys();
    await this.syncChats();
    // Back in the queue after a reconnect (at its end: the server forgot us when the socket dropped).
    if (this.searching !== null) await this.findStranger(this.searching);
    for (const key of await this.store.keys('outbox:')) {
      const o = await this.store.get<OutboxRecord>(key);
      if (o) this.deliver(o);
    }
  }

  private async uploadPrekeys(): Promise<void> {
    const prekeys = (await this.store.get<PrekeySet>('prekeys'))!;
    const bundle = encodeBundle(bundleWithOneTimePrekey(publicBundle(this.device, prekeys), null));
    await this.request(
      {
        type: 'prekeys.upload',
        bundle,
        one_time_prekeys: prekeys.oneTimePrekeys.map((k) => ({ id: k.id, key: k.publicKey })),
      },
      'prekeys.ok',
    );
    await this.store.write([{ key: 'prekeys_uploaded', value: true }]);
  }

  private async refillPrekeys(): Promise<void> {
    await this.exclusive(async () => {
      const before = (await this.store.get<PrekeySet>('prekeys'))!;
      const after = addOneTimePrekeys(before, PREKEY_REFILL);
      const known = new Set(before.oneTimePrekeys.map((k: { id: number }) => k.id));
      const fresh = after.oneTimePrekeys.filter((k: { id: number }) => !known.has(k.id));
      await this.store.write([{ key: 'prekeys', value: after }]);
      await this.request(
        { type: 'prekeys.upload', one_time_prekeys: fresh.map((k) => ({ id: k.id, key: k.publicKey })) },
        'prekeys.ok',
      );
    });
  }

  // ---- incoming frames ------------------------------------------------------------------------

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'envelope':
        void this.exclusive(() => this.receive(f)).catch((e) => this.reportError(e));
        return;
      case 'match.found':
        this.searching = null;
        void this.exclusive(() => this.chatStarted(f.chat)).catch((e) => this.reportError(e));
        return;
      case 'chat.started':
        this.searching = null; // the server takes both users out of the queue when a chat starts
        void this.exclusive(() => this.chatStarted(f.chat)).catch((e) => this.reportError(e));
        return;
      case 'chat.ended':
        void this.exclusive(() => this.chatEnded(f.chat_id, f.reason)).catch((e) => this.reportError(e));
        return;
      case 'typing':
        this.emit('typing', { chat_id: f.chat_id, typing: f.typing });
        return;
      case 'read':
        void this.exclusive(() => this.readNotice(f)).catch((e) => this.reportError(e));
        return;
      case 'presence':
        this.emit('presence', { chat_id: f.chat_id, online: f.online });
        return;
      case 'prekeys.low':
        void this.refillPrekeys().catch((e) => this.reportError(e));
        return;
      case 'invite.received':
        this.emit('invite.received', { invitation_id: f.invitation_id, from: f.from });
        return;
      case 'invite.declined':
        this.emit('invite.declined', { invitation_id: f.invitation_id });
        return;
      default:
        return;
    }
  }

  private async receive(env: DeliveredEnvelope): Promise<void> {
    const fromMe = env.from_user === this.user_hash;
    const key = msgKey(env.chat_id, env.msg_id);
    if (await this.store.get(key)) {
      this.ack(env.id); // a redelivery of something already stored
      return;
    }
    const prekeys = (await this.store.get<PrekeySet>('prekeys'))!;
    const pinned = fromMe ? this.identity.publicKey : await this.store.get<string>(peerKeyKey(env.from_user));
    let opened;
    try {
      opened = await this.sessions.decrypt(env.from_user, env.from_client, env.ciphertext, prekeys, pinned);
      checkFranking(opened.message, { cf: env.cf, sender: env.from_user });
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      // Keep a ratchet that moved past a forged message; drop the message itself.
      if (opened) await this.store.write(opened.ops);
      this.ack(env.id);
      this.emit('error', {
        code: `crypto.${e.code}`,
        message: 'A message could not be decrypted or verified and was dropped.',
      });
      return;
    }
    const text = decodeTextBody(opened.message.body);
    const ops: KeyStoreOp[] = [...opened.ops];
    if (!pinned && opened.userKey && !fromMe)
      ops.push({ key: peerKeyKey(env.from_user), value: opened.userKey });
    let message: ChatMessage | null = null;
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
      const chat = await this.store.get<ChatSummary>(chatKey(env.chat_id));
      if (chat) {
        ops.push({
          key: chatKey(env.chat_id),
          value: {
            ...chat,
            unread: fromMe ? chat.unread : chat.unread + 1,
            last_activity: Math.max(chat.last_activity, env.ts),
            last_text: text,
          } satisfies ChatSummary,
        });
      }
    }
    await this.store.write(ops);
    this.ack(env.id);
    if (message) this.emit('message', message);
  }

  /** Acknowledgements are batched (one frame per 100 ids or 20 ms): a drain of thousands stays cheap. */
  private ack(id: string): void {
    this.pendingAcks.push(id);
    if (this.pendingAcks.length >= 100) this.flushAcks();
    else this.ackTimer ??= setTimeout(() => this.flushAcks(), 20);
  }

  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.pendingAcks.length === 0) return;
    // Not sent while disconnected: the server delivers unacknowledged envelopes again, and they
    // are recognised as already stored.
    this.ws?.send({ type: 'envelope.ack', ids: this.pendingAcks.splice(0) });
  }

  private async chatStarted(info: ChatInfo): Promise<void> {
    const summary = await this.saveChat(info);
    this.emit('chat.started', summary);
    // Open sessions right away: the first message is faster and the safety number is ready.
    void this.ensureSessions(info.partner.user_hash).catch((e) => this.reportError(e));
  }

  private async saveChat(info: ChatInfo): Promise<ChatSummary> {
    const existing = await this.store.get<ChatSummary>(chatKey(info.chat_id));
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
    await this.store.write([{ key: chatKey(info.chat_id), value: summary }]);
    return summary;
  }

  private async chatEnded(chat_id: string, reason: ChatSummary['ended_reason'] & string): Promise<void> {
    const chat = await this.store.get<ChatSummary>(chatKey(chat_id));
    if (chat)
      await this.store.write([
        { key: chatKey(chat_id), value: { ...chat, active: false, ended_reason: reason } },
      ]);
    this.emit('chat.ended', { chat_id, reason });
  }

  private async readNotice(f: ServerFrameOf<'read'>): Promise<void> {
    if (f.user_hash === this.user_hash) {
      // Read on another of my devices: clear the unread count here too.
      const chat = await this.store.get<ChatSummary>(chatKey(f.chat_id));
      if (chat && chat.unread > 0) {
        const updated = { ...chat, unread: 0 };
        await this.store.write([{ key: chatKey(f.chat_id), value: updated }]);
        this.emit('chat.updated', updated);
      }
      return;
    }
    const read = await this.store.get<ChatMessage>(msgKey(f.chat_id, f.msg_id));
    const upTo = read?.ts ?? Number.MAX_SAFE_INTEGER;
    const ops: KeyStoreOp[] = [];
    const changed: ChatMessage[] = [];
    for (const m of await this.history(f.chat_id)) {
      if (
        m.from_me &&
        m.ts <= upTo &&
        m.status !== 'read' &&
        m.status !== 'sending' &&
        m.status !== 'failed'
      ) {
        const updated = { ...m, status: 'read' as const };
        ops.push({ key: msgKey(m.chat_id, m.msg_id), value: updated });
        changed.push(updated);
      }
    }
    if (ops.length) await this.store.write(ops);
    for (const m of changed)
      this.emit('message.status', { chat_id: m.chat_id, msg_id: m.msg_id, status: 'read' });
  }

  // ---- chats and messages ---------------------------------------------------------------------

  /** Active chats from the server merged with ended ones kept on this device, newest activity first. */
  async listChats(): Promise<ChatSummary[]> {
    const out: ChatSummary[] = [];
    for (const key of await this.store.keys('chat:')) {
      const c = await this.store.get<ChatSummary>(key);
      if (c) out.push(c);
    }
    return out.sort((a, b) => b.last_activity - a.last_activity);
  }

  /** Marks chats this device thinks active but the server does not know any more as ended. */
  private async syncChats(): Promise<void> {
    const reply = await this.request({ type: 'chats.list' }, 'chats');
    await this.exclusive(async () => {
      const active = new Set(reply.chats.map((c) => c.chat_id));
      for (const info of reply.chats) await this.saveChat(info);
      for (const c of await this.listChats()) {
        if (c.active && !active.has(c.chat_id)) await this.chatEnded(c.chat_id, c.ended_reason ?? 'left');
      }
    });
  }

  /** The decrypted history of a chat on this device, oldest first. */
  async history(chat_id: string): Promise<ChatMessage[]> {
    const out: ChatMessage[] = [];
    for (const key of await this.store.keys(msgPrefix(chat_id))) {
      const m = await this.store.get<ChatMessage>(key);
      if (m) out.push(m);
    }
    return out.sort((a, b) => a.ts - b.ts || (a.msg_id < b.msg_id ? -1 : 1));
  }

  /**
   * Encrypts a text for every device of the partner and every other device of this user and sends
   * it. The message is stored (status `sending`) together with the advanced ratchets before it is
   * sent, and is resent unchanged after a reconnect until the server acknowledges it.
   */
  async sendText(chat_id: string, text: string): Promise<ChatMessage> {
    if (text.length === 0 || text.length > MAX_TEXT_LENGTH) {
      throw new OmeChatError('INVALID_INPUT', {
        message: `A message has 1 to ${MAX_TEXT_LENGTH} characters.`,
      });
    }
    const chat = await this.store.get<ChatSummary>(chatKey(chat_id));
    if (!chat || !chat.active) throw new OmeChatError('CHAT_NOT_FOUND');
    const msg_id = randomHex(16);
    const message: ChatMessage = { chat_id, msg_id, from_me: true, text, ts: Date.now(), status: 'sending' };
    // Stored and shown at once, even offline; encryption and sending follow (and resume after a
    // reconnect or a reload: the outbox entry stays until the server acknowledges the message).
    const outbox: OutboxRecord = { chat_id, msg_id };
    await this.exclusive(() =>
      this.store.write([
        { key: msgKey(chat_id, msg_id), value: message },
        { key: outboxKey(msg_id), value: outbox },
        { key: chatKey(chat_id), value: { ...chat, last_activity: message.ts, last_text: text } },
      ]),
    );
    this.emit('message', message);
    this.deliver(outbox);
    return message;
  }

  /** Encrypts (once) and transmits an outbox entry, unless that is already under way. */
  private deliver(o: OutboxRecord): void {
    if (!this.ws || this.delivering.has(o.msg_id)) return;
    this.delivering.add(o.msg_id);
    void (async () => {
      const ready = o.frame ? (o as ReadyOutbox) : await this.encryptOutbox(o);
      if (ready) await this.transmit(ready);
    })()
      .catch((e) => {
        if (e instanceof OmeChatError && e.code === 'BUNDLE_NOT_FOUND') {
          setTimeout(() => this.deliver(o), 3000);
          return;
        }
        // Transport trouble: the entry stays in the outbox and is delivered after the reconnect.
        if (!(e instanceof OmeChatError && e.code === 'SERVICE_BUSY')) this.reportError(e);
      })
      .finally(() => this.delivering.delete(o.msg_id));
  }

  /**
   * Opens missing sessions, encrypts the message for every device, and stores the ratchet steps
   * together with the ready frame in one write, so a crash cannot encrypt twice.
   */
  private async encryptOutbox(o: OutboxRecord): Promise<ReadyOutbox | null> {
    const chat = await this.store.get<ChatSummary>(chatKey(o.chat_id));
    const m = await this.store.get<ChatMessage>(msgKey(o.chat_id, o.msg_id));
    if (!chat || !m) return null;
    const partner = chat.partner.user_hash;
    await this.ensureSessions(partner);
    return this.exclusive(async () => {
      const targets = await this.targetSessions(partner);
      if (![...targets.values()].some((t) => t.owner === partner)) {
        // The partner has no device with keys yet (it may still be uploading them): retried below.
        throw new OmeChatError('BUNDLE_NOT_FOUND', {
          message: "The partner's device has no keys yet; the message will be retried.",
        });
      }
      const enc = this.sessions.encrypt(targets, encodeTextBody(m.text), this.user_hash);
      const ready: ReadyOutbox = {
        ...o,
        frame: {
          type: 'message.send',
          chat_id: o.chat_id,
          msg_id: o.msg_id,
          cf: enc.cf,
          envelopes: Object.entries(enc.ciphertexts).map(([to_client, ciphertext]) => ({
            to_client,
            ciphertext,
          })),
        },
      };
      await this.store.write([...enc.ops, { key: outboxKey(o.msg_id), value: ready }]);
      return ready;
    });
  }

  private async transmit(o: ReadyOutbox): Promise<void> {
    let ack: ServerFrameOf<'message.ack'>;
    try {
      ack = await this.request(o.frame, 'message.ack');
    } catch (e) {
      if (e instanceof OmeChatError && e.code === 'NOT_IN_CHAT' && !o.retried) {
        // Most likely a device of the chat was revoked since our sessions were made: refresh the
        // device lists and encrypt again, once.
        const chat = await this.store.get<ChatSummary>(chatKey(o.chat_id));
        if (chat?.active) return this.transmit(await this.reencrypt(o, chat.partner.user_hash));
      }
      if (e instanceof OmeChatError && (e.code === 'NOT_IN_CHAT' || e.code === 'INVALID_FRAME')) {
        await this.finish(o, null, 'failed');
        return;
      }
      throw e; // transport trouble: stays in the outbox, resent after the next reconnect
    }
    const status: MessageStatus = ack.partner_delivered > 0 ? 'delivered' : 'sent';
    await this.finish(o, ack.ts, status);
    if (ack.missing_clients.length > 0) await this.sendToMissing(o, ack.missing_clients);
  }

  /** Drops sessions of devices that no longer exist, opens ones for new devices, encrypts again. */
  private async reencrypt(o: ReadyOutbox, partner: string): Promise<ReadyOutbox> {
    const current = new Map<string, Set<string>>();
    const served = new Map<string, ServerFrameOf<'bundles'>['devices']>();
    for (const user of [partner, this.user_hash]) {
      const reply = await this.request({ type: 'bundles.fetch', user_hash: user }, 'bundles');
      current.set(user, new Set(reply.devices.map((d) => d.client_hash)));
      served.set(user, reply.devices);
    }
    return this.exclusive(async () => {
      const ops: KeyStoreOp[] = [];
      const known = await this.targetSessions(partner);
      for (const [client, { owner }] of known) {
        if (!current.get(owner)?.has(client)) {
          ops.push({ key: sessionKey(client), delete: true });
          known.delete(client);
        }
      }
      for (const user of [partner, this.user_hash]) {
        const fresh = served.get(user)!.filter((d) => !known.has(d.client_hash));
        const pinned =
          user === this.user_hash ? this.identity.publicKey : await this.store.get<string>(peerKeyKey(user));
        const r = this.sessions.initiate(user, fresh, new Map(), pinned);
        ops.push(...r.ops);
        for (const [client, session] of r.sessions)
          known.set(client, { owner: user, record: { owner: user, list: [session] } });
      }
      const m = await this.store.get<ChatMessage>(msgKey(o.chat_id, o.msg_id));
      const enc = this.sessions.encrypt(known, encodeTextBody(m?.text ?? ''), this.user_hash);
      const next: ReadyOutbox = {
        chat_id: o.chat_id,
        msg_id: o.msg_id,
        retried: true,
        frame: {
          ...o.frame,
          cf: enc.cf,
          envelopes: Object.entries(enc.ciphertexts).map(([to_client, ciphertext]) => ({
            to_client,
            ciphertext,
          })),
        },
      };
      // The encrypt ops win over the initiate ops for the same key (later op, same write).
      await this.store.write([...ops, ...enc.ops, { key: outboxKey(o.msg_id), value: next }]);
      return next;
    });
  }

  private async finish(o: OutboxRecord, ts: number | null, status: MessageStatus): Promise<void> {
    const updated = await this.exclusive(async () => {
      const m = await this.store.get<ChatMessage>(msgKey(o.chat_id, o.msg_id));
      const ops: KeyStoreOp[] = [{ key: outboxKey(o.msg_id), delete: true }];
      let next: ChatMessage | null = null;
      if (m) {
        next = { ...m, status: m.status === 'read' ? 'read' : status, ts: ts ?? m.ts };
        ops.push({ key: msgKey(o.chat_id, o.msg_id), value: next });
      }
      await this.store.write(ops);
      return next;
    });
    if (updated)
      this.emit('message.status', { chat_id: o.chat_id, msg_id: o.msg_id, status: updated.status });
  }

  /** A device the message did not cover (added since): open a session and send it its copy. */
  private async sendToMissing(o: ReadyOutbox, missing: string[]): Promise<void> {
    const m = await this.store.get<ChatMessage>(msgKey(o.chat_id, o.msg_id));
    const chat = await this.store.get<ChatSummary>(chatKey(o.chat_id));
    if (!m || !chat) return;
    await this.ensureSessions(chat.partner.user_hash, true);
    const frame = await this.exclusive(async () => {
      const targets = await this.targetSessions(chat.partner.user_hash);
      for (const c of [...targets.keys()]) if (!missing.includes(c)) targets.delete(c);
      if (targets.size === 0) return null;
      const enc = this.sessions.encrypt(targets, encodeTextBody(m.text), this.user_hash);
      await this.store.write(enc.ops);
      return {
        ...o.frame,
        cf: enc.cf,
        envelopes: Object.entries(enc.ciphertexts).map(([to_client, ciphertext]) => ({
          to_client,
          ciphertext,
        })),
      };
    });
    if (frame) await this.request(frame, 'message.ack');
  }

  /** The newest session of every known device of the partner and of this user's other devices. */
  private async targetSessions(
    partner: string,
  ): Promise<Map<string, { owner: string; record: DeviceSessionRecord }>> {
    const out = new Map<string, { owner: string; record: DeviceSessionRecord }>();
    for (const key of await this.store.keys('session:')) {
      const record = await this.store.get<DeviceSessionRecord>(key);
      const client = key.slice('session:'.length);
      if (!record || record.list.length === 0 || client === this.client_hash) continue;
      if (record.owner === partner || record.owner === this.user_hash)
        out.set(client, { owner: record.owner, record });
    }
    return out;
  }

  /**
   * Makes sure sessions exist with the partner's devices and this user's other devices, fetching
   * bundles (which spends one-time prekeys) only for users with no session yet, or when `refresh`.
   */
  private async ensureSessions(partner: string, refresh = false): Promise<void> {
    const known = await this.targetSessions(partner);
    const owners = new Set([...known.values()].map((v) => v.owner));
    for (const user of [partner, this.user_hash]) {
      if (owners.has(user) && !refresh) continue;
      if (user === this.user_hash && !refresh && (await this.store.get<boolean>('own_devices_checked')))
        continue;
      const reply = await this.request({ type: 'bundles.fetch', user_hash: user }, 'bundles');
      await this.exclusive(async () => {
        const devices = reply.devices.filter((d) => (refresh ? !known.has(d.client_hash) : true));
        const existing = new Map<string, DeviceSessionRecord | undefined>();
        for (const d of devices) existing.set(d.client_hash, await this.sessions.get(d.client_hash));
        const pinned =
          user === this.user_hash ? this.identity.publicKey : await this.store.get<string>(peerKeyKey(user));
        const r = this.sessions.initiate(user, devices, existing, pinned);
        const ops = [...r.ops];
        if (user !== this.user_hash && !pinned && r.userKey)
          ops.push({ key: peerKeyKey(user), value: r.userKey });
        if (user === this.user_hash) ops.push({ key: 'own_devices_checked', value: true });
        if (ops.length) await this.store.write(ops);
        if (r.rejected.length)
          this.emit('error', {
            code: 'crypto.bad_bundle',
            message: 'A device offered keys that did not verify; it was skipped.',
          });
      });
    }
  }

  setTyping(chat_id: string, typing: boolean): void {
    // Throttle "typing: true" to one frame per 3 s; "false" goes at once.
    if (typing && this.typingTimers.has(chat_id)) return;
    if (typing)
      this.typingTimers.set(
        chat_id,
        setTimeout(() => this.typingTimers.delete(chat_id), 3000),
      );
    else {
      clearTimeout(this.typingTimers.get(chat_id));
      this.typingTimers.delete(chat_id);
    }
    this.ws?.send({ type: 'typing', chat_id, typing });
  }

  /** Marks the chat read here and tells the partner (read receipts) and this user's other devices. */
  async markRead(chat_id: string): Promise<void> {
    const chat = await this.store.get<ChatSummary>(chatKey(chat_id));
    if (!chat) return;
    const last = (await this.history(chat_id)).filter((m) => !m.from_me).at(-1);
    if (chat.unread > 0) {
      const updated = { ...chat, unread: 0 };
      await this.exclusive(() => this.store.write([{ key: chatKey(chat_id), value: updated }]));
      this.emit('chat.updated', updated);
    }
    if (last && chat.active) await this.request({ type: 'read', chat_id, msg_id: last.msg_id }, 'ok');
  }

  async safetyNumber(chat_id: string): Promise<SafetyNumber> {
    const chat = await this.store.get<ChatSummary>(chatKey(chat_id));
    if (!chat) throw new OmeChatError('CHAT_NOT_FOUND');
    let theirs = await this.store.get<string>(peerKeyKey(chat.partner.user_hash));
    if (!theirs && chat.active) {
      await this.ensureSessions(chat.partner.user_hash);
      theirs = await this.store.get<string>(peerKeyKey(chat.partner.user_hash));
    }
    if (!theirs)
      throw new OmeChatError('BUNDLE_NOT_FOUND', { message: "The partner's keys are not known yet." });
    const digits = safetyNumber(this.identity.publicKey, this.user_hash, theirs, chat.partner.user_hash);
    return { digits, groups: formatSafetyNumber(digits).split(' ') };
  }

  // ---- matching -------------------------------------------------------------------------------

  async findStranger(tolerance: number): Promise<'waiting' | 'matched'> {
    const r = await this.ws!.request({ type: 'match.join', tolerance });
    return this.matchOutcome(r, tolerance);
  }

  async cancelSearch(): Promise<void> {
    this.searching = null;
    await this.request({ type: 'match.cancel' }, 'match.cancelled');
  }

  async next(chat_id: string, tolerance: number): Promise<'waiting' | 'matched'> {
    const r = await this.ws!.request({ type: 'match.next', chat_id, tolerance });
    return this.matchOutcome(r, tolerance);
  }

  private matchOutcome(r: ServerFrame, tolerance: number): 'waiting' | 'matched' {
    if (r.type === 'match.waiting') {
      this.searching = tolerance;
      return 'waiting';
    }
    if (r.type === 'ok') return 'matched';
    throw new OmeChatError('INTERNAL', { message: `Unexpected reply ${r.type}` });
  }

  async leave(chat_id: string): Promise<void> {
    await this.request({ type: 'chat.leave', chat_id }, 'ok');
  }

  async block(chat_id: string): Promise<void> {
    await this.request({ type: 'block', chat_id }, 'ok');
  }

  async browse(tolerance: number, limit = 10): Promise<PartnerInfo[]> {
    return (await this.request({ type: 'browse', tolerance, limit }, 'browse.result')).people;
  }

  async setAvailability(open: boolean, tolerance: number): Promise<void> {
    await this.request({ type: 'availability', open, tolerance }, 'ok');
  }

  async invite(user_hash: string, tolerance: number): Promise<void> {
    await this.request({ type: 'invite', user_hash, tolerance }, 'invite.sent');
  }

  async answerInvite(invitation_id: string, accept: boolean): Promise<void> {
    await this.request({ type: 'invite.answer', invitation_id, accept }, 'ok');
  }

  private reportError(e: unknown): void {
    const err = e instanceof OmeChatError ? e : null;
    this.emit('error', {
      code: err?.code ?? 'INTERNAL',
      message: err?.message ?? (e as Error)?.message ?? String(e),
    });
  }
}

export { sessionKey };
