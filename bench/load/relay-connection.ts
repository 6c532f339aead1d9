import { WebSocket } from 'ws';
import type { Creds } from './load-types.js';
import type { RelayDialect } from './relay-dialect.js';

/**
 * One load-generator socket. Envelopes are acknowledged like the SDK does (OmeChatClient.ack: one
 * `envelope.ack` per 100 ids or 20 ms), and envelope/ack events go to the job.
 */
export class RelayConnection {
  onEnvelope: (msgId: string, now: number) => void = () => {};
  onAck: (msgId: string) => void = () => {};
  onError: (text: string) => void = () => {};
  private pendingAcks: string[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  closeCode: number | null = null;

  private constructor(
    readonly ws: WebSocket,
    private readonly dialect: RelayDialect,
    readonly creds: Creds,
  ) {
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', (code) => (this.closeCode = code));
  }

  /**
   * Opens and authenticates; resolves once the server says the connection is ready (OmeChat: after
   * the stored envelopes were drained). `setup` runs first, to hook envelopes that come before that.
   */
  static open(
    baseUrl: string,
    dialect: RelayDialect,
    creds: Creds,
    timeoutMs = 20_000,
    setup: (c: RelayConnection) => void = () => {},
    localAddress?: string,
  ): Promise<RelayConnection> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + dialect.path(), {
      perMessageDeflate: false,
      ...(localAddress ? { localAddress } : {}),
    });
    const conn = new RelayConnection(ws, dialect, creds);
    setup(conn);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        ws.terminate();
        reject(new Error('connection not ready in time'));
      }, timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(t);
        reject(e);
      };
      ws.once('error', fail);
      ws.once('close', (code) => fail(new Error(`closed with ${code} before ready`)));
      ws.once('open', () => {
        const hello = dialect.onOpen(creds);
        if (hello) ws.send(hello);
      });
      conn.readyHook = () => {
        clearTimeout(t);
        ws.off('error', fail);
        ws.removeAllListeners('close');
        ws.on('close', (code) => (conn.closeCode = code));
        ws.on('error', () => {});
        resolve(conn);
      };
      conn.errorHook = (text) => fail(new Error(text));
    });
  }

  private readyHook: (() => void) | null = null;
  private errorHook: ((text: string) => void) | null = null;

  send(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.close();
  }

  private onMessage(text: string): void {
    const f = this.dialect.classify(text, this.creds);
    switch (f.k) {
      case 'envelope':
        this.pendingAcks.push(f.id);
        if (this.pendingAcks.length >= 100) this.flushAcks();
        else this.ackTimer ??= setTimeout(() => this.flushAcks(), 20);
        this.onEnvelope(f.msgId, performance.now());
        return;
      case 'ack':
        this.onAck(f.msgId);
        return;
      case 'reply':
        this.ws.send(f.text);
        return;
      case 'ready':
        this.readyHook?.();
        this.readyHook = null;
        this.errorHook = null;
        return;
      case 'error':
        // RATE_LIMITED is back-pressure on one frame, not a failed login: counted, never fatal.
        if (this.errorHook && !text.includes('"RATE_LIMITED"')) this.errorHook(text);
        else this.onError(text);
        return;
      default:
        return;
    }
  }

  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.pendingAcks.length === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(this.dialect.ack(this.pendingAcks));
    this.pendingAcks = [];
  }
}

/**
 * Connections per source address: one (source, server address, port) tuple has only the ephemeral
 * port range (32768-60999 here, about 28k), so beyond this the sockets come from 127.0.0.2, .3, …
 */
const PER_SOURCE_ADDRESS = 20_000;

export interface OpenAllOptions {
  /** Per connection, from the socket's open to ready. */
  timeoutMs?: number;
  /** Attempts after a failed or timed-out open before the whole batch fails. */
  retries?: number;
  /** Called after every connection that became ready, with how many are ready so far. */
  onReady?: (ready: number) => void;
}

/** Opens many connections with bounded concurrency (a thundering herd would measure the accept queue). */
export async function openAll(
  /** One server, or connection i's server (several nodes). */
  baseUrl: string | ((i: number) => string),
  dialect: RelayDialect,
  creds: Creds[],
  concurrency: number,
  { timeoutMs = 20_000, retries = 0, onReady }: OpenAllOptions = {},
): Promise<RelayConnection[]> {
  const out: RelayConnection[] = new Array(creds.length);
  const sources = Math.ceil(creds.length / PER_SOURCE_ADDRESS);
  let next = 0;
  let ready = 0;
  const worker = async () => {
    while (next < creds.length) {
      const i = next++;
      const localAddress = sources > 1 ? `127.0.0.${2 + (i % sources)}` : undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          out[i] = await RelayConnection.open(
            typeof baseUrl === 'string' ? baseUrl : baseUrl(i),
            dialect,
            creds[i]!,
            timeoutMs,
            undefined,
            localAddress,
          );
          break;
        } catch (e) {
          if (attempt >= retries) throw new Error(`connection ${i}: ${(e as Error).message}`);
        }
      }
      onReady?.(++ready);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, creds.length) }, worker));
  return out;
}
