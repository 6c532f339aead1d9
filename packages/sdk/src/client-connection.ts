import { OmeChatError, type ServerFrame } from '@omechat/protocol';
import type { ClientCredentials } from './client-credentials.js';
import type { ConnectionState } from './sdk-types.js';
import { TypedEmitter } from './typed-emitter.js';
import { WsConnection, type WebSocketConstructor } from './ws-connection.js';
import type { WsRequestFrame, WsSendFrame } from './ws-request-types.js';

export interface ClientConnectionEvents {
  state: ConnectionState;
  /** Authenticated, the first time and after every reconnection. */
  open: void;
  frame: ServerFrame;
  /** The server refused this client's token: the connection stopped for good. */
  unauthenticated: void;
  /** A server frame failed the protocol schemas and was dropped. */
  invalid: OmeChatError;
  /** The account was banned: the connection stopped for good (the error carries the sanction). */
  banned: OmeChatError;
}

/** What the other modules need of the connection: requests, fire-and-forget frames, batched acks. */
export interface ClientRequester {
  readonly connected: boolean;
  request<T extends ServerFrame['type']>(
    frame: WsRequestFrame,
    expect: T,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  /** A request whose reply may be one of several frames (matching); checked by the caller. */
  requestAny(frame: WsRequestFrame): Promise<ServerFrame>;
  send(frame: WsSendFrame): void;
  /** Acknowledges a received envelope (batched). */
  ack(envelopeId: string): void;
}

const ACK_BATCH = 100;
const ACK_DELAY_MS = 20;

/**
 * The client's one WebSocket (a `WsConnection`, which reconnects by itself) and its state as the
 * app sees it; requests fail with SERVICE_BUSY before `connect()`. Envelope acknowledgements are
 * batched here so a drain of thousands stays cheap.
 */
export class ClientConnection extends TypedEmitter<ClientConnectionEvents> implements ClientRequester {
  private ws: WsConnection | null = null;
  /** Another tab or process of this same client connected: this one waits until it needs the server. */
  private replaced = false;
  private stateValue: ConnectionState = 'offline';
  private pendingAcks: string[] = [];
  private ackTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: {
      baseUrl: string;
      creds: ClientCredentials;
      WebSocketImpl?: WebSocketConstructor;
    },
  ) {
    super();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get connected(): boolean {
    return this.ws !== null;
  }

  /** Connects (and from then on reconnects by itself) and resolves once authenticated. */
  async connect(): Promise<void> {
    if (this.ws && !this.replaced) return;
    this.replaced = false;
    const url = this.opts.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/api/v1/ws';
    const ws = new WsConnection({
      url,
      ...this.opts.creds,
      ...(this.opts.WebSocketImpl ? { WebSocketImpl: this.opts.WebSocketImpl } : {}),
    });
    this.ws = ws;
    this.setState('connecting');
    ws.on('open', () => {
      this.setState('online');
      this.emit('open', undefined);
    });
    ws.on('reconnecting', () => this.setState('connecting'));
    ws.on('close', () => this.setState(this.ws ? 'connecting' : 'offline'));
    ws.on('unauthenticated', () => this.emit('unauthenticated', undefined));
    // The server keeps one connection per client. When another tab of this browser (same stored
    // client) connects, this one is closed; it takes the connection back only when it next needs
    // the server (see `requestAny`), so two open tabs never fight over it in a loop.
    ws.on('replaced', () => {
      if (this.ws !== ws) return;
      this.replaced = true;
      this.setState('offline');
    });
    ws.on('invalid', (e) => this.emit('invalid', e));
    ws.on('banned', (e) => this.emit('banned', e));
    ws.on('frame', (f: ServerFrame) => this.emit('frame', f));
    await ws.connect();
  }

  close(): void {
    this.flushAcks();
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.setState('offline');
  }

  request<T extends ServerFrame['type']>(
    frame: WsRequestFrame,
    expect: T,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    return this.requestAny(frame).then((reply) => {
      if (reply.type !== expect) {
        throw new OmeChatError('INVALID_SERVER_FRAME', {
          message: `Unexpected reply ${reply.type} to ${frame.type}`,
        });
      }
      return reply as Extract<ServerFrame, { type: T }>;
    });
  }

  async requestAny(frame: WsRequestFrame): Promise<ServerFrame> {
    if (!this.ws) throw new OmeChatError('SERVICE_BUSY', { message: 'Not connected; call connect() first.' });
    // This tab needs the server again after another one took the connection: take it back.
    if (this.replaced) await this.connect();
    return this.ws.request(frame);
  }

  send(frame: WsSendFrame): void {
    this.ws?.send(frame);
  }

  ack(envelopeId: string): void {
    this.pendingAcks.push(envelopeId);
    if (this.pendingAcks.length >= ACK_BATCH) this.flushAcks();
    else this.ackTimer ??= setTimeout(() => this.flushAcks(), ACK_DELAY_MS);
  }

  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.pendingAcks.length === 0) return;
    // Not sent while disconnected: the server delivers unacknowledged envelopes again, and they
    // are recognised as already stored.
    this.ws?.send({ type: 'envelope.ack', ids: this.pendingAcks.splice(0) });
  }

  private setState(s: ConnectionState) {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.emit('state', s);
  }
}
