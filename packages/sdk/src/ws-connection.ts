// Over 400 lines on purpose: one connection state machine (connect, authenticate, heartbeat,
// reconnect with backoff, request/response correlation, validation of every server frame) whose
// parts share the socket and its state; the outbox, sessions and chats live in their own modules.
import {
  OmeChatError,
  MAX_SERVER_FRAME_CHARS,
  readServerFrame,
  type ServerFrame,
  type ServerFrameOf,
  type ServerFrameType,
} from '@omechat/protocol';
import { TypedEmitter } from './typed-emitter.js';
import { toOmeChatError } from './to-omechat-error.js';
import { transportError } from './transport-error.js';
import type { ReplyOf, WsRequestFrame, WsSendFrame } from './ws-request-types.js';

/**
 * The part of a WebSocket this connection uses; the browser's `WebSocket` and the `ws` package's
 * both fit. Handler parameters are `never` so either implementation's event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WsConnectionOptions {
  /** The endpoint, e.g. `wss://chat.example/api/v1/ws`. Credentials never go here. */
  url: string;
  client_hash: string;
  access_token: string;
  /** Defaults to `globalThis.WebSocket`; Node (< 22) passes the `ws` package's `WebSocket`. */
  WebSocketImpl?: WebSocketConstructor;
  /** Default time limit of `request` (ms), including any wait for a reconnection. */
  requestTimeoutMs?: number;
  /** How long one attempt may take from dialling to `auth.ok` before it is abandoned (ms). */
  connectTimeoutMs?: number;
  /** Reconnect delays: `initialMs` doubling per failed attempt up to `maxMs`, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Randomness for the jitter (tests make it deterministic). */
  random?: () => number;
}

/**
 * `idle` before `connect()`; `connecting` while dialling and authenticating; `open` once `auth.ok`
 * arrived; `reconnecting` while waiting to dial again; `closed` for good.
 */
export type WsConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Every server frame by its `type`, plus the connection's own events. */
export type WsConnectionEvents = { [K in ServerFrameType]: ServerFrameOf<K> } & {
  /** Every server frame, before its typed event. */
  frame: ServerFrame;
  /** Authenticated, the first time and after every reconnection: resync state here. */
  open: ServerFrameOf<'auth.ok'>;
  /** An authenticated connection ended. */
  close: { code: number; reason: string; willReconnect: boolean };
  /** The next attempt is scheduled in `delayMs`; `attempt` counts from 1 since the last success. */
  reconnecting: { attempt: number; delayMs: number };
  state: WsConnectionState;
  /** The token was refused (revoked, account deleted or banned): the connection stopped for good. */
  unauthenticated: OmeChatError;
  /** The account was banned (error ACCOUNT_BANNED, with its `sanction`, or close 4403): stopped for good. */
  banned: OmeChatError;
  /** Another connection of this same client took over (ALREADY_AUTHENTICATED): this one stopped. */
  replaced: OmeChatError;
  /** A frame failed the protocol schemas and was dropped (`INVALID_SERVER_FRAME`); nothing else changed. */
  invalid: OmeChatError;
};

interface PendingRequest {
  text: string;
  sent: boolean;
  resolve: (frame: ServerFrame) => void;
  reject: (err: OmeChatError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
const REF_PREFIX = 'sdk-';
const AUTH_REF = `${REF_PREFIX}auth`;
// Auth replies that no retry will change; anything else (RATE_LIMITED, SERVICE_BUSY...) is retried.
const FATAL_AUTH_CODES = new Set(['UNAUTHENTICATED', 'ACCOUNT_BANNED', 'FORBIDDEN']);
/** The close code of a socket the server closed because the account was banned. */
const BANNED_CLOSE_CODE = 4403;
type StopEvent = 'unauthenticated' | 'replaced' | 'banned';
const noop = () => {};

/**
 * One authenticated WebSocket to the server that survives network trouble. It sends the `auth`
 * frame first, correlates requests and replies by `ref`, emits every server frame as a typed event,
 * and reconnects with exponential backoff and jitter until `close()` or a refused token.
 *
 * A request sent before a connection drops is rejected (the server may or may not have applied it);
 * a request made while disconnected waits for the next connection, within its timeout.
 */
export class WsConnection extends TypedEmitter<WsConnectionEvents> {
  private readonly opts: Required<Omit<WsConnectionOptions, 'WebSocketImpl' | 'backoff'>> & {
    initialMs: number;
    maxMs: number;
  };
  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private socket: WebSocketLike | null = null;
  private authed = false;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private refCounter = 0;
  private readonly pending = new Map<string, PendingRequest>();
  private connectWaiters: {
    resolve: (f: ServerFrameOf<'auth.ok'>) => void;
    reject: (e: OmeChatError) => void;
  }[] = [];
  private lastAuthOk: ServerFrameOf<'auth.ok'> | null = null;
  private stopError: OmeChatError | null = null;
  private currentState: WsConnectionState = 'idle';

  constructor(opts: WsConnectionOptions) {
    super();
    const u = new URL(opts.url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:')
      throw new TypeError('The WebSocket URL must be ws: or wss:');
    this.WebSocketImpl = opts.WebSocketImpl;
    this.opts = {
      url: opts.url,
      client_hash: opts.client_hash,
      access_token: opts.access_token,
      requestTimeoutMs: opts.requestTimeoutMs ?? 15_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      initialMs: opts.backoff?.initialMs ?? 250,
      maxMs: opts.backoff?.maxMs ?? 15_000,
      random: opts.random ?? Math.random,
    };
  }

  get state(): WsConnectionState {
    return this.currentState;
  }

  /** Starts connecting (if not yet) and resolves at the first `auth.ok`; rejects if the connection stops. */
  connect(): Promise<ServerFrameOf<'auth.ok'>> {
    if (this.stopError) return Promise.reject(this.stopError);
    if (this.currentState === 'open' && this.lastAuthOk) return Promise.resolve(this.lastAuthOk);
    const p = new Promise<ServerFrameOf<'auth.ok'>>((resolve, reject) =>
      this.connectWaiters.push({ resolve, reject }),
    );
    if (this.currentState === 'idle') this.dial();
    return p;
  }

  /**
   * Sends a frame with a fresh `ref` and resolves with the server's reply carrying it, or rejects with
   * the `OmeChatError` of an `error` frame carrying it, or SERVICE_BUSY on timeout or lost connection.
   */
  request<F extends WsRequestFrame>(
    frame: F,
    opts: { timeoutMs?: number } = {},
  ): Promise<ReplyOf<F['type']>> {
    if (this.stopError) return Promise.reject(this.stopError);
    const ref = `${REF_PREFIX}${++this.refCounter}`;
    // `ref` first: a frame the server refuses unread (too large, too fast) still gets its ref back.
    const text = JSON.stringify({ ref, ...frame });
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(transportError(`The server did not reply to ${frame.type} in time.`));
      }, opts.timeoutMs ?? this.opts.requestTimeoutMs);
      const req: PendingRequest = { text, sent: false, resolve, reject, timer };
      this.pending.set(ref, req);
      if (this.currentState === 'open') this.transmit(req);
    }) as Promise<ReplyOf<F['type']>>;
  }

  /** Fire and forget. Returns false (and drops the frame) when not connected. */
  send(frame: WsSendFrame): boolean {
    if (this.currentState !== 'open' || !this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes for good: no reconnection; waiting requests are rejected. */
  close(): void {
    this.stop(transportError('The connection is closed.'), null);
  }

  // ---- internals ----

  private setState(s: WsConnectionState): void {
    if (s === this.currentState) return;
    this.currentState = s;
    this.emit('state', s);
  }

  private dial(): void {
    this.reconnectTimer = undefined;
    this.setState('connecting');
    this.authed = false;
    const Impl = this.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Impl) {
      this.stop(transportError('No WebSocket implementation: pass WebSocketImpl.'), null);
      return;
    }
    let sock: WebSocketLike;
    try {
      sock = new Impl(this.opts.url);
    } catch {
      this.scheduleReconnect(0);
      return;
    }
    this.socket = sock;
    this.connectTimer = setTimeout(() => this.abandon(sock), this.opts.connectTimeoutMs);
    sock.onerror = noop; // a close event always follows; without a handler `ws` would throw
    sock.onopen = () => {
      if (this.socket !== sock) return;
      // Credentials go in the first frame, never in the URL (proxies and access logs record URLs).
      sock.send(
        JSON.stringify({
          type: 'auth',
          ref: AUTH_REF,
          client_hash: this.opts.client_hash,
          access_token: this.opts.access_token,
        }),
      );
    };
    sock.onmessage = ((ev: { data: unknown }) => {
      if (this.socket === sock) this.onMessage(ev.data);
    }) as (ev: never) => void;
    sock.onclose = ((ev: { code: number; reason: string }) => {
      if (this.socket === sock) this.onSocketClosed(ev.code, ev.reason);
    }) as (ev: never) => void;
  }

  private onMessage(data: unknown): void {
    // The server is untrusted input: every frame is checked against the protocol schemas first.
    const read = readServerFrame(data);
    if (!read.frame) {
      this.dropInvalid(data, read.problem);
      return;
    }
    const f = read.frame as ServerFrame;
    const ref = 'ref' in f && typeof f.ref === 'string' ? f.ref : undefined;

    if (!this.authed) {
      if (ref === AUTH_REF) this.onAuthReply(f);
      this.emitFrame(f);
      return;
    }
    if (f.type === 'error' && f.code === 'ACCOUNT_BANNED') {
      // A ban closes every socket of the account: nothing will work again, whatever the ref.
      this.emitFrame(f);
      this.stop(toOmeChatError(f), 'banned');
      return;
    }
    if (ref !== undefined) {
      const req = this.pending.get(ref);
      if (req) {
        this.pending.delete(ref);
        clearTimeout(req.timer);
        if (f.type === 'error') req.reject(toOmeChatError(f));
        else req.resolve(f);
      }
    } else if (f.type === 'error' && (f.code === 'UNAUTHENTICATED' || f.code === 'ALREADY_AUTHENTICATED')) {
      this.emitFrame(f);
      this.stop(toOmeChatError(f), f.code === 'UNAUTHENTICATED' ? 'unauthenticated' : 'replaced');
      return;
    }
    this.emitFrame(f);
  }

  /**
   * Drops a frame that failed the schemas. A request whose `ref` it carries fails at once with
   * INVALID_SERVER_FRAME (instead of waiting for its timeout); nothing else is touched.
   */
  private dropInvalid(data: unknown, problem: string): void {
    const err = new OmeChatError('INVALID_SERVER_FRAME', {
      message: `The server sent a frame this app does not accept (${problem}); it was ignored.`,
    });
    const ref = typeof data === 'string' ? frameRefOf(data) : undefined;
    const req = ref !== undefined && ref !== AUTH_REF ? this.pending.get(ref) : undefined;
    if (req && ref !== undefined) {
      this.pending.delete(ref);
      clearTimeout(req.timer);
      req.reject(err);
    }
    this.emit('invalid', err);
  }

  private emitFrame(f: ServerFrame): void {
    this.emit('frame', f);
    this.emit(f.type, f as never);
  }

  private onAuthReply(f: ServerFrame): void {
    clearTimeout(this.connectTimer);
    if (f.type === 'auth.ok') {
      this.authed = true;
      this.attempt = 0;
      this.lastAuthOk = f;
      this.setState('open');
      // Requests made while disconnected go first, in the order they were made.
      for (const req of this.pending.values()) if (!req.sent) this.transmit(req);
      this.emit('open', f);
      for (const w of this.connectWaiters.splice(0)) w.resolve(f);
      return;
    }
    if (f.type !== 'error') return;
    const err = toOmeChatError(f);
    if (FATAL_AUTH_CODES.has(err.code)) {
      this.stop(err, err.code === 'ACCOUNT_BANNED' ? 'banned' : 'unauthenticated');
      return;
    }
    const sock = this.socket;
    if (sock) this.detach(sock);
    this.scheduleReconnect(err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : 0);
  }

  private transmit(req: PendingRequest): void {
    if (!this.socket || this.socket.readyState !== OPEN) return;
    req.sent = true;
    this.socket.send(req.text);
  }

  /** A dial or auth that took too long: drop it and try again later. */
  private abandon(sock: WebSocketLike): void {
    if (this.socket !== sock || this.authed) return;
    this.detach(sock);
    this.scheduleReconnect(0);
  }

  private onSocketClosed(code: number, reason: string): void {
    const sock = this.socket;
    if (!sock) return;
    const wasAuthed = this.authed;
    this.detach(sock);
    if (code === BANNED_CLOSE_CODE) {
      // Closed for a ban without the error frame reaching us: the statement is in the standing.
      this.stop(toOmeChatError({ code: 'ACCOUNT_BANNED' }), 'banned', { code, reason });
      return;
    }
    if (wasAuthed && (reason === 'UNAUTHENTICATED' || reason === 'ALREADY_AUTHENTICATED')) {
      this.stop(
        toOmeChatError({ code: reason }),
        reason === 'UNAUTHENTICATED' ? 'unauthenticated' : 'replaced',
        {
          code,
          reason,
        },
      );
      return;
    }
    if (wasAuthed) this.emit('close', { code, reason, willReconnect: true });
    this.scheduleReconnect(0);
  }

  /** Forgets a socket: its late events are ignored; requests already sent on it are rejected. */
  private detach(sock: WebSocketLike): void {
    clearTimeout(this.connectTimer);
    sock.onopen = noop;
    sock.onmessage = noop;
    sock.onclose = noop;
    sock.onerror = noop;
    try {
      sock.close(1000);
    } catch {
      // already closed
    }
    if (this.socket === sock) this.socket = null;
    this.authed = false;
    for (const [ref, req] of this.pending) {
      if (!req.sent) continue;
      this.pending.delete(ref);
      clearTimeout(req.timer);
      req.reject(
        transportError(
          'The connection was lost before the server replied; the request may or may not have been applied.',
        ),
      );
    }
  }

  private scheduleReconnect(minDelayMs: number): void {
    if (this.stopError) return;
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    // Equal jitter: keeps a floor of half the delay but spreads a crowd of clients after an outage.
    const delayMs = Math.max(minDelayMs, Math.round(base / 2 + this.opts.random() * (base / 2)));
    this.attempt++;
    this.setState('reconnecting');
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => this.dial(), delayMs);
  }

  private stop(
    err: OmeChatError,
    event: StopEvent | null,
    closed: { code: number; reason: string } = { code: 1000, reason: event ? err.code : 'closed by client' },
  ): void {
    if (this.stopError) return;
    this.stopError = err;
    clearTimeout(this.reconnectTimer);
    const wasOpen = this.currentState === 'open';
    // Every waiting request fails with the reason of the stop (a ban, a revoked token), also the
    // ones already sent on the socket, before detaching would call them merely "lost".
    for (const req of this.pending.values()) {
      clearTimeout(req.timer);
      req.reject(err);
    }
    this.pending.clear();
    const sock = this.socket;
    if (sock) this.detach(sock);
    for (const w of this.connectWaiters.splice(0)) w.reject(err);
    if (wasOpen) this.emit('close', { ...closed, willReconnect: false });
    this.setState('closed');
    if (event) this.emit(event, err);
  }
}

/** The `ref` of an unparsable server frame, when it has one of ours. */
function frameRefOf(raw: string): string | undefined {
  if (raw.length > MAX_SERVER_FRAME_CHARS) return undefined;
  try {
    const r = (JSON.parse(raw) as { ref?: unknown } | null)?.ref;
    return typeof r === 'string' && r.startsWith(REF_PREFIX) ? r : undefined;
  } catch {
    return undefined;
  }
}
