import type { WebSocket } from 'ws';
import {
  OmeChatError,
  frameRef,
  isOmeChatError,
  parseClientFrame,
  type ErrorCode,
  type ServerFrame,
} from '@omechat/protocol';
import type { Logger } from '../logger.js';
import type { Connection } from '../ports/connection.js';
import type { Principal } from '../core/accounts/account-service.js';
import type { Services } from '../services.js';
import { dispatchFrame } from './frame-dispatcher.js';

export interface ClientSocketOptions {
  maxFrameBytes: number;
  authTimeoutMs: number;
  framesPerSecond: number;
}

const MAX_QUEUED_FRAMES = 256;

/** Close codes in the private range: 4000 + the error's HTTP status keeps them readable. */
function closeCode(code: ErrorCode): number {
  return code === 'UNAUTHENTICATED' || code === 'AUTH_TIMEOUT' || code === 'AUTH_REQUIRED'
    ? 4401
    : code === 'SLOW_CONSUMER'
      ? 4503
      : 4400;
}

/**
 * One WebSocket: the first frame must be `auth`; afterwards frames are parsed, rate-limited and
 * handled one at a time, in order (so a client's messages keep their order through the relay).
 */
export class ClientSocket implements Connection {
  private principal: Principal | null = null;
  private authTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private windowStart = Date.now();
  private framesInWindow = 0;
  private queued = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly services: Services,
    private readonly log: Logger,
    private readonly opts: ClientSocketOptions,
  ) {
    this.authTimer = setTimeout(() => this.close('AUTH_TIMEOUT'), opts.authTimeoutMs);
    socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    socket.on('close', () => void this.onClose());
    socket.on('error', () => socket.terminate());
  }

  get user_hash(): string {
    return this.principal!.user_hash;
  }

  get client_hash(): string {
    return this.principal!.client_hash;
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: ServerFrame): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(frame));
  }

  close(code: ErrorCode): void {
    if (this.closed) return;
    this.send({ type: 'error', ...new OmeChatError(code).toBody() });
    this.closed = true;
    this.socket.close(closeCode(code), code);
    // A reader that stopped reading never completes the close handshake.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.framesInWindow = 0;
    }
    if (++this.framesInWindow > this.opts.framesPerSecond) {
      this.sendError(new OmeChatError('RATE_LIMITED', { retryAfterSeconds: 1 }), undefined);
      return;
    }
    if (isBinary) {
      this.sendError(new OmeChatError('INVALID_FRAME', { message: 'Frames are JSON text.' }), undefined);
      return;
    }
    // Frames are handled in order; a client that sends faster than they are handled (a slow
    // database, say) gets RATE_LIMITED for the excess instead of growing an unbounded queue.
    if (this.queued >= MAX_QUEUED_FRAMES) {
      this.sendError(
        new OmeChatError('RATE_LIMITED', { retryAfterSeconds: 1 }),
        frameRef(data.toString('utf8', 0, 4096)),
      );
      return;
    }
    const raw = data.toString('utf8');
    this.queued++;
    this.chain = this.chain.then(() => this.handle(raw)).finally(() => this.queued--);
  }

  private async handle(raw: string): Promise<void> {
    if (this.closed) return;
    let ref: string | undefined;
    try {
      const frame = parseClientFrame(raw, this.opts.maxFrameBytes);
      ref = frame.ref;
      if (!this.principal) {
        if (frame.type !== 'auth') {
          this.sendError(new OmeChatError('AUTH_REQUIRED'), ref);
          this.close('AUTH_REQUIRED');
          return;
        }
        await this.authenticate(frame.client_hash, frame.access_token, ref);
        return;
      }
      if (frame.type === 'auth') throw new OmeChatError('ALREADY_AUTHENTICATED');
      const reply = await dispatchFrame(this.services, this.principal, frame);
      if (reply) this.send(reply);
    } catch (e) {
      ref ??= frameRef(raw);
      if (isOmeChatError(e)) {
        this.sendError(e, ref);
        if (!this.principal) this.close(e.code === 'RATE_LIMITED' ? 'RATE_LIMITED' : 'UNAUTHENTICATED');
      } else {
        this.log.error(
          { err: { name: (e as Error).name, message: (e as Error).message, stack: (e as Error).stack } },
          'frame handler failed',
        );
        this.sendError(new OmeChatError('INTERNAL'), ref);
      }
    }
  }

  private async authenticate(
    client_hash: string,
    access_token: string,
    ref: string | undefined,
  ): Promise<void> {
    const principal = await this.services.accounts.authenticate(client_hash, access_token);
    clearTimeout(this.authTimer);
    this.principal = principal;
    const previous = this.services.hub.add(this);
    if (previous) {
      await this.services.relay.detach(previous);
      previous.close('ALREADY_AUTHENTICATED');
    }
    this.send({
      type: 'auth.ok',
      ref,
      user_hash: principal.user_hash,
      client_hash: principal.client_hash,
      server_time: Date.now(),
    });
    this.services.relay.attach(this);
  }

  private sendError(e: OmeChatError, ref: string | undefined): void {
    this.send({ type: 'error', ref, ...e.toBody() });
  }

  private async onClose(): Promise<void> {
    this.closed = true;
    clearTimeout(this.authTimer);
    if (!this.principal) return;
    this.services.hub.remove(this);
    try {
      await this.services.relay.detach(this);
    } catch (e) {
      this.log.error({ err: { name: (e as Error).name, message: (e as Error).message } }, 'detach failed');
    }
  }
}
