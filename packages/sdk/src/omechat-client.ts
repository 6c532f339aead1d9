// Over 400 lines on purpose: the SDK's public face; it builds the modules (docs/architecture.md),
// routes server frames to them and forwards each public method in one or two lines, with its doc.
import { defaultPowSolver, type PowProgress, type PowSolver } from './pow-solver.js';
import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import {
  OmeChatError,
  StrikeViewSchema,
  type AppealView,
  type ChatInfo,
  type PartnerInfo,
  type ReportReceipt,
  type ServerFrame,
  type Standing,
} from '@omechat/protocol';
import { accountCredentials } from './account-credentials.js';
import {
  ClientAccount,
  type AccountKeys,
  type RestoreOptions,
  type SignInOptions,
} from './client-account.js';
import { ClientConnection } from './client-connection.js';
import { reportError } from './client-event-sink.js';
import { ClientMatching } from './client-matching.js';
import { ClientReports, type ReportOptions } from './client-reports.js';
import { HttpApi } from './http-api.js';
import type { KeyStore } from './key-store.js';
import { LocalChats } from './local-chats.js';
import { Outbox } from './outbox.js';
import { PeerSessions } from './peer-sessions.js';
import { PrekeyPublisher } from './prekey-publisher.js';
import type { ChatMessage, ChatSummary, ClientEvents, ConnectionState, SafetyNumber } from './sdk-types.js';
import { TypedEmitter } from './typed-emitter.js';
import { WriteQueue } from './write-queue.js';

export type { SignInOptions, RestoreOptions, ReportOptions };

/** An account identified by what sign-in takes (for a banned account, which has no client). */
export interface AccountCredentialsOptions {
  baseUrl: string;
  username: string;
  secret: string;
  fetchImpl?: typeof fetch;
}

/** How often a connected client checks whether its signed prekeys are due for rotation. */
const PREKEY_MAINTENANCE_MS = 3_600_000;

type ClientOptions = Pick<SignInOptions, 'WebSocketImpl' | 'fetchImpl' | 'clock' | 'prekeyRotation'>;

/**
 * The OmeChat client: one per signed-in device, in the browser or in Node. It keeps keys, sessions
 * and the decrypted history in a `KeyStore`, talks to the server over HTTP and one WebSocket, and
 * reconnects by itself. Every state change (ratchet step + message + chat summary) is one atomic
 * store write; all of them run one at a time, in order, through one `WriteQueue`.
 *
 * This class only composes the modules that do the work: `ClientAccount`, `ClientConnection`,
 * `PeerSessions`, `LocalChats`, `Outbox` and `ClientMatching`.
 */
/** Options of `OmeChatClient.createAccount`. */
export interface SignUpOptions {
  fetchImpl?: typeof fetch;
  /** Where the sign-up challenge is solved (default: a Web Worker in browsers, else this thread). */
  solver?: PowSolver;
  /** The difficulty the server asked for (level 0: no work). */
  onChallenge?: (c: { level: number; max: number }) => void;
  /** Solving progress: counters tried of at most `max` (on average half are needed). */
  onProgress?: (p: PowProgress) => void;
}

export class OmeChatClient extends TypedEmitter<ClientEvents> {
  private readonly account: ClientAccount;
  private readonly connection: ClientConnection;
  private readonly sessions: PeerSessions;
  private readonly chats: LocalChats;
  private readonly outbox: Outbox;
  private readonly matching: ClientMatching;
  private readonly prekeys: PrekeyPublisher;
  private maintenanceTimer: ReturnType<typeof setInterval> | undefined;
  private rotatedSecret: string | null = null;
  private readonly reports: ClientReports;

  private constructor(
    baseUrl: string,
    private readonly store: KeyStore,
    private readonly keys: AccountKeys,
    opts: ClientOptions,
  ) {
    super();
    const now = opts.clock ?? Date.now;
    const queue = new WriteQueue(store.lockName);
    const { user_hash, client_hash, access_token } = keys.account;
    const connection = (this.connection = new ClientConnection({
      baseUrl,
      creds: { client_hash, access_token },
      ...(opts.WebSocketImpl ? { WebSocketImpl: opts.WebSocketImpl } : {}),
    }));
    const http = new HttpApi(baseUrl, opts.fetchImpl);
    this.account = new ClientAccount({
      keys,
      http,
      store,
      disconnect: () => this.close(),
      events: this,
    });
    this.sessions = new PeerSessions({
      store,
      queue,
      connection,
      events: this,
      identity: keys.identity,
      device: keys.device,
      user_hash,
      client_hash,
      now,
    });
    this.prekeys = new PrekeyPublisher({
      store,
      queue,
      connection,
      device: keys.device,
      now,
      ...(opts.prekeyRotation ? { rotation: opts.prekeyRotation } : {}),
    });
    this.chats = new LocalChats({ store, queue, connection, opener: this.sessions, events: this, user_hash });
    this.outbox = new Outbox({
      store,
      queue,
      connection,
      sessions: this.sessions,
      chats: this.chats,
      events: this,
    });
    this.matching = new ClientMatching(connection);
    this.reports = new ClientReports({
      store,
      http,
      creds: { client_hash, access_token },
      chats: this.chats,
    });

    connection.on('state', (s) => this.emit('state', s));
    connection.on('open', () => runInBackground(this, this.afterOpen()));
    connection.on('unauthenticated', () => void this.account.forget('revoked'));
    connection.on('banned', (e) => {
      // Every client of the account was revoked: tell the app why, then wipe this device.
      this.emit('banned', { sanction: e.sanction ?? null });
      void this.account.forget('banned');
    });
    connection.on('frame', (f) => this.onFrame(f));
    // A frame that failed the protocol schemas was dropped: tell the app, change nothing.
    connection.on('invalid', (e) => this.emit('error', { code: e.code, message: e.message }));
  }

  // ---- accounts -------------------------------------------------------------------------------

  /**
   * Creates an account. The secret is made here, on this device, and never sent (the server gets
   * only its authenticator): the returned `secret` must be shown to the user once, it is the only
   * way to sign in, and it is not stored.
   * First asks for a sign-up challenge and, when the server wants work (level above 0), solves it
   * (a Web Worker in browsers; pass `workerThreadSolver` from `@omechat/sdk/node` in Node),
   * reporting progress. A challenge that expired or was refused meanwhile is retried once.
   */
  static async createAccount(
    baseUrl: string,
    input: { username: string; age: number },
    opts: SignUpOptions = {},
  ): Promise<{ user_hash: string; username: string; age: number; secret: string }> {
    const http = new HttpApi(baseUrl, opts.fetchImpl);
    const secret = generateSecret();
    const authenticator = authenticatorFromSecret(secret);
    for (let attempt = 0; ; attempt++) {
      const c = await http.signupChallenge();
      opts.onChallenge?.({ level: c.level, max: c.max_counter });
      const proof = c.challenge
        ? await (opts.solver ?? defaultPowSolver())({ ...c, challenge: c.challenge }, opts.onProgress)
        : undefined;
      try {
        const created = await http.createAccount({ ...input, authenticator, ...(proof ? { proof } : {}) });
        return { ...created, secret };
      } catch (e) {
        const again =
          e instanceof OmeChatError && (e.code === 'PROOF_EXPIRED' || e.code === 'PROOF_REQUIRED');
        if (!again || attempt > 0) throw e;
      }
    }
  }

  /**
   * Signs this device in with username + secret: a new client, fresh device keys, the derived
   * identity. A legacy secret (`legacySecret`) is replaced on the way: show `takeRotatedSecret()`.
   */
  static async signIn(o: SignInOptions): Promise<OmeChatClient> {
    const { keys, rotatedSecret } = await ClientAccount.signIn(o);
    const client = new OmeChatClient(o.baseUrl, o.keyStore, keys, o);
    client.rotatedSecret = rotatedSecret;
    return client;
  }

  /**
   * The new secret made when sign-in replaced a legacy one, once (null afterwards, and when there
   * was none). It is kept in memory only: show it to the user at once.
   */
  takeRotatedSecret(): string | null {
    const s = this.rotatedSecret;
    this.rotatedSecret = null;
    return s;
  }

  /**
   * Replaces the account's secret (it may have leaked): every other device is signed out, partners
   * see "safety number changed". This client is closed afterwards; call `OmeChatClient.restore`
   * with the same key store for the re-keyed one (chats and history are kept). Returns the new
   * secret, to show once. `legacySecret`: `oldSecret` is an old, server-made secret.
   */
  async rotateSecret(oldSecret: string, legacySecret = false): Promise<string> {
    return this.account.rotateSecret(oldSecret, legacySecret);
  }

  /** The client of a device that signed in before, or null. */
  static async restore(o: RestoreOptions): Promise<OmeChatClient | null> {
    const keys = await ClientAccount.restore(o.keyStore);
    return keys && new OmeChatClient(o.baseUrl, o.keyStore, keys, o);
  }

  get user_hash(): string {
    return this.keys.account.user_hash;
  }
  get client_hash(): string {
    return this.keys.account.client_hash;
  }
  get username(): string {
    return this.keys.account.username;
  }
  get age(): number {
    return this.keys.account.age;
  }
  get state(): ConnectionState {
    return this.connection.state;
  }

  listDevices() {
    return this.account.listDevices();
  }
  revokeDevice(client_hash: string): Promise<void> {
    return this.account.revokeDevice(client_hash);
  }
  deleteAccount(): Promise<void> {
    return this.account.deleteAccount();
  }
  /** Signs this device out: revokes its client on the server and wipes local keys and history. */
  signOut(): Promise<void> {
    return this.account.signOut();
  }

  /** This account's standing: a ban or restriction in force, and every strike with its statement. */
  standing(): Promise<Standing> {
    return this.account.standing();
  }

  /** The standing of an account that has no client (banned), with username + secret. */
  static async standingOf(o: AccountCredentialsOptions): Promise<Standing> {
    return new HttpApi(o.baseUrl, o.fetchImpl).standingWithCredentials(
      accountCredentials(o.username, o.secret),
    );
  }

  /** Appeals a strike (by its `appeal_id`) with username + secret; no signed-in device needed. */
  static async appeal(
    o: AccountCredentialsOptions & { appeal_id: string; text: string },
  ): Promise<AppealView> {
    return new HttpApi(o.baseUrl, o.fetchImpl).appeal({
      ...accountCredentials(o.username, o.secret),
      appeal_id: o.appeal_id,
      text: o.text,
    });
  }

  // ---- connection -----------------------------------------------------------------------------

  /** Connects (and from then on reconnects by itself) and resolves once authenticated. */
  connect(): Promise<void> {
    return this.connection.connect();
  }
  close(): void {
    clearInterval(this.maintenanceTimer);
    this.maintenanceTimer = undefined;
    this.connection.close();
  }

  /** Once authenticated (again): keys published, chats in sync, back in the queue, outbox resent. */
  private async afterOpen(): Promise<void> {
    if (!this.maintenanceTimer) {
      // Prekey rotation is due weekly; a client online for days must not miss it.
      this.maintenanceTimer = setInterval(
        () => runInBackground(this, this.prekeys.publish()),
        PREKEY_MAINTENANCE_MS,
      );
      (this.maintenanceTimer as { unref?: () => void }).unref?.();
    }
    await this.prekeys.publish();
    await this.chats.sync();
    await this.matching.rejoin();
    await this.outbox.resume();
  }

  private onFrame(f: ServerFrame): void {
    try {
      this.route(f);
    } catch (e) {
      // Never let one frame's handling throw into the socket handler.
      reportError(this, e);
    }
  }

  private route(f: ServerFrame): void {
    const background = (p: Promise<unknown>) => runInBackground(this, p);
    switch (f.type) {
      case 'envelope':
        return background(this.chats.receive(f));
      case 'cooldown':
        // The server refuses the queue until then; a search in progress is over.
        this.matching.matched();
        if (typeof f.until === 'number') this.emit('cooldown', { until: f.until });
        return;
      case 'match.found':
        this.matching.matched();
        return background(this.startChat(f.chat));
      case 'chat.started':
        this.matching.matched(); // the server takes both users out of the queue when a chat starts
        return background(this.startChat(f.chat));
      case 'chat.ended':
        return background(this.chats.end(f.chat_id, f.reason));
      case 'typing':
        return this.emit('typing', { chat_id: f.chat_id, typing: f.typing });
      case 'read':
        return background(this.chats.readNotice(f));
      case 'presence':
        return this.emit('presence', { chat_id: f.chat_id, online: f.online });
      case 'prekeys.low':
        return background(this.prekeys.refill(f));
      case 'invite.received':
        return this.emit('invite.received', { invitation_id: f.invitation_id, from: f.from });
      case 'invite.declined':
        return this.emit('invite.declined', { invitation_id: f.invitation_id });
      case 'moderation.notice': {
        // The server is untrusted: a strike that does not parse is not shown as one.
        const strike = StrikeViewSchema.safeParse(f.strike);
        if (strike.success) this.emit('moderation.notice', { strike: strike.data });
        return;
      }
      default:
        return;
    }
  }

  private async startChat(info: ChatInfo): Promise<void> {
    const summary = await this.chats.start(info);
    // Open sessions right away: the first message is faster and the safety number is ready.
    runInBackground(this, this.sessions.ensure(summary.partner.user_hash));
  }

  // ---- chats and messages ---------------------------------------------------------------------

  /** Active chats from the server merged with ended ones kept on this device, newest activity first. */
  listChats(): Promise<ChatSummary[]> {
    return this.chats.list();
  }
  /** The decrypted history of a chat on this device, oldest first. */
  history(chat_id: string): Promise<ChatMessage[]> {
    return this.chats.history(chat_id);
  }
  /**
   * Encrypts a text for every device of the partner and every other device of this user and sends
   * it. The message is stored (status `sending`) together with the advanced ratchets before it is
   * sent, and is resent unchanged after a reconnect until the server acknowledges it.
   */
  sendText(chat_id: string, text: string): Promise<ChatMessage> {
    return this.outbox.sendText(chat_id, text);
  }
  setTyping(chat_id: string, typing: boolean): void {
    this.chats.setTyping(chat_id, typing);
  }
  /** Marks the chat read here and tells the partner (read receipts) and this user's other devices. */
  markRead(chat_id: string): Promise<void> {
    return this.chats.markRead(chat_id);
  }
  async safetyNumber(chat_id: string): Promise<SafetyNumber> {
    const chat = await this.chats.chat(chat_id);
    if (!chat) throw new OmeChatError('CHAT_NOT_FOUND');
    return this.sessions.safetyNumber(chat.partner.user_hash, chat.active);
  }

  // ---- matching -------------------------------------------------------------------------------

  findStranger(tolerance: number): Promise<'waiting' | 'matched'> {
    return this.matching.findStranger(tolerance);
  }
  cancelSearch(): Promise<void> {
    return this.matching.cancelSearch();
  }
  next(chat_id: string, tolerance: number): Promise<'waiting' | 'matched'> {
    return this.matching.next(chat_id, tolerance);
  }
  leave(chat_id: string): Promise<void> {
    return this.matching.leave(chat_id);
  }
  /**
   * Blocks the partner of a chat, open or ended (an ended one within the server's report window):
   * the pair is never matched again; an open chat ends for both.
   */
  async block(chat_id: string): Promise<void> {
    await this.matching.block(chat_id);
    await this.chats.markFlags(chat_id, { blocked: true });
  }

  // ---- reports ----------------------------------------------------------------------------------

  /**
   * Reports a chat (open, or ended within the server's report window), once: reveals the chosen
   * received messages (default: the last 20) so the server can verify them; also blocks the pair.
   */
  report(chat_id: string, opts: ReportOptions): Promise<ReportReceipt> {
    return this.reports.report(chat_id, opts);
  }

  /** Exactly the messages `report(chat_id, {msg_ids})` would reveal, oldest first. */
  reportPreview(chat_id: string, msg_ids?: string[]): Promise<ChatMessage[]> {
    return this.reports.preview(chat_id, msg_ids);
  }
  browse(tolerance: number, limit = 10): Promise<PartnerInfo[]> {
    return this.matching.browse(tolerance, limit);
  }
  setAvailability(open: boolean, tolerance: number): Promise<void> {
    return this.matching.setAvailability(open, tolerance);
  }
  invite(user_hash: string, tolerance: number): Promise<void> {
    return this.matching.invite(user_hash, tolerance);
  }
  answerInvite(invitation_id: string, accept: boolean): Promise<void> {
    return this.matching.answerInvite(invitation_id, accept);
  }
}

/** Runs background work whose failure has no caller to reject: it becomes an `error` event. */
function runInBackground(client: OmeChatClient, p: Promise<unknown>): void {
  void p.catch((e) => reportError(client, e));
}
