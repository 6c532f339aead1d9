import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  OmeChatError,
  frameRefOfBytes,
  isOmeChatError,
  readClientFrame,
  type ErrorCode,
  type ServerFrame,
} from '@omechat/protocol';
import type { Logger } from '../logger.js';
import type { Connection } from '../ports/connection.js';
import type { Principal } from '../core/accounts/account-service.js';
import type { Services } from '../services.js';
import { dispatchFrame } from './frame-dispatcher.js';
import { OutputGuard, type OutputGuardHost, type OutputGuardOptions } from './output-guard.js';
import { serverFrameJson } from './server-frame-json.js';
import { batchWrite } from './batch-write.js';

export interface ClientSocketOptions {
  maxFrameBytes: number;
  authTimeoutMs: number;
  framesPerSecond: number;
  /** Output bound per socket (SEND_BUFFER_BYTES): above it the socket is not read. */
  sendBufferBytes: number;
  /** How long a socket may stay over its output bound before SLOW_CONSUMER (SLOW_CONSUMER_GRACE_MS). */
  slowConsumerGraceMs: number;
}

/** Counters of this node's sockets, read by /metrics. */
export interface SocketStats {
  slowConsumersClosed: number;
}

export interface ClientSocketHooks {
  stats: SocketStats;
  /** The socket signed in: it no longer takes an unauthenticated slot. */
  onAuthenticated?: () => void;
}

/** Frames read but not handled yet, per socket; over it the socket is not read, far over it frames are dropped. */
const QUEUE_PAUSE_AT = 32;
const QUEUE_RESUME_AT = 8;
const MAX_QUEUED_FRAMES = 256;
/** A socket closed by us that does not finish the close handshake is cut off after this. */
const CLOSE_GRACE_MS = 2_000;

/** Why a socket is not read, as bits of one number (no Set per socket). */
const HOLD = { rate: 1, queue: 2, output: 4 } as const;
type Hold = keyof typeof HOLD;

const OWNER = Symbol('clientSocket');
type OwnedSocket = WebSocket & { [OWNER]?: ClientSocket };

function onSocketMessage(this: OwnedSocket, data: Buffer, isBinary: boolean): void {
  this[OWNER]?.onMessage(data, isBinary);
}
function onSocketClose(this: OwnedSocket): void {
  const owner = this[OWNER];
  this[OWNER] = undefined;
  void owner?.onClose();
}
// ws has already started the closing handshake with the right code (1009 for a frame over
// maxPayload, 1007 for bad UTF-8): stop answering and give the close frame time to leave.
function onSocketError(this: OwnedSocket, error: Error): void {
  this[OWNER]?.onError(error);
}
function closeUnauthenticated(s: ClientSocket): void {
  s.close('AUTH_TIMEOUT');
}
function terminate(socket: WebSocket): void {
  socket.terminate();
}

/** The output bounds of every socket with the same options, made once. */
const guardOptionsOf = new WeakMap<ClientSocketOptions, OutputGuardOptions>();
function guardOptions(opts: ClientSocketOptions): OutputGuardOptions {
  let o = guardOptionsOf.get(opts);
  if (!o) {
    o = {
      highWaterBytes: opts.sendBufferBytes,
      lowWaterBytes: Math.floor(opts.sendBufferBytes / 4),
      hardLimitBytes: Math.max(4 * opts.sendBufferBytes, opts.sendBufferBytes + (1 << 20)),
      graceMs: opts.slowConsumerGraceMs,
    };
    guardOptionsOf.set(opts, o);
  }
  return o;
}

/** Close codes in the private range: 4000 + the error's HTTP status keeps them readable. */
function closeCode(code: ErrorCode): number {
  return code === 'UNAUTHENTICATED' || code === 'AUTH_TIMEOUT' || code === 'AUTH_REQUIRED'
    ? 4401
    : code === 'SLOW_CONSUMER'
      ? 4503
      : code === 'ACCOUNT_BANNED'
        ? 4403
        : 4400;
}

/**
 * One WebSocket: the first frame must be `auth`; afterwards frames are parsed, rate-limited and
 * handled one at a time, in order (so a client's messages keep their order through the relay).
 * Everything a socket can make the server hold is bounded: frames over the rate get one
 * RATE_LIMITED per window and the socket is not read until the window ends; answers a client does
 * not read stop its socket from being read, then close it (SLOW_CONSUMER); a binary frame before
 * `auth` closes it.
 */
export class ClientSocket implements Connection, OutputGuardHost {
  private principal: Principal | null = null;
  private authTimer: NodeJS.Timeout | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  /** The frames being handled, in order; none when nothing is pending. */
  private chain: Promise<void> | undefined;
  private closed = false;
  private windowStart = Date.now();
  private framesInWindow = 0;
  private limitedInWindow = false;
  private queued = 0;
  private holds = 0;
  private readonly output: OutputGuard;

  constructor(
    private readonly socket: WebSocket,
    /** The TCP socket under `socket`: its writes are batched per tick. */
    private readonly tcp: Socket,
    private readonly services: Services,
    private readonly log: Logger,
    private readonly opts: ClientSocketOptions,
    private readonly hooks: ClientSocketHooks,
  ) {
    this.output = new OutputGuard(guardOptions(opts), this);
    this.authTimer = setTimeout(closeUnauthenticated, opts.authTimeoutMs, this);
    // One set of listeners for all sockets, not closures per socket: they find this object on it.
    (socket as OwnedSocket)[OWNER] = this;
    socket.on('message', onSocketMessage);
    socket.on('close', onSocketClose);
    socket.on('error', onSocketError);
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

  /** OutputGuardHost: answers pile up, stop reading (or read again). */
  onCongestion(congested: boolean): void {
    if (congested) this.hold('output');
    else this.release('output');
  }

  /** OutputGuardHost: the client does not read its answers. */
  onSlow(): void {
    this.close('SLOW_CONSUMER');
  }

  /** A socket error (ws is closing it already): logged by code only, cut off after a grace. */
  onError(error: Error): void {
    this.log.debug({ err: { code: (error as { code?: string }).code ?? error.name } }, 'websocket error');
    this.closed = true;
    this.output.stop();
    setTimeout(terminate, CLOSE_GRACE_MS, this.socket).unref();
  }

  send(frame: ServerFrame): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    batchWrite(this.tcp, this.socket, serverFrameJson(frame));
    this.output.check();
  }

  close(reason: ErrorCode | OmeChatError): void {
    if (this.closed) return;
    const error = typeof reason === 'string' ? new OmeChatError(reason) : reason;
    const code = error.code;
    this.closed = true;
    this.output.stop();
    clearTimeout(this.rateTimer);
    // Counted here, once per connection, whichever layer noticed (relay drain or output guard).
    if (code === 'SLOW_CONSUMER') this.hooks.stats.slowConsumersClosed++;
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.send(JSON.stringify({ type: 'error', ...error.toBody() }));
    this.socket.close(closeCode(code), code);
    // A socket that flooded, never signed in or did not read is not read any more: it is cut off
    // below. Others keep reading, so the peer's close frame completes the handshake at once.
    if (this.holds !== 0 || !this.principal || code === 'SLOW_CONSUMER') this.socket.pause();
    // A reader that stopped reading never completes the close handshake.
    setTimeout(terminate, CLOSE_GRACE_MS, this.socket).unref();
  }

  /** @internal A frame arrived (the socket listener calls this). */
  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary && !this.principal) {
      this.close('INVALID_FRAME');
      return;
    }
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.framesInWindow = 0;
      this.limitedInWindow = false;
    }
    if (++this.framesInWindow > this.opts.framesPerSecond || this.queued >= MAX_QUEUED_FRAMES) {
      this.refuseTooFast(data, now);
      return;
    }
    if (isBinary) {
      this.sendError(
        new OmeChatError('INVALID_FRAME', { message: 'Frames are JSON text.' }),
        frameRefOfBytes(data),
      );
      return;
    }
    if (++this.queued >= QUEUE_PAUSE_AT) this.hold('queue');
    // Nothing before it is pending: handle it now, without a promise hop; else in order after them.
    if (this.queued === 1) {
      const p = this.handle(data);
      if (p) this.chain = p.then(() => this.dequeued());
      else this.dequeued();
    } else
      this.chain = (this.chain ?? Promise.resolve())
        .then(() => this.handle(data))
        .then(() => this.dequeued());
  }

  // A method, not an arrow field: no closure kept per socket (an idle one never needs it).
  private dequeued(): void {
    if (--this.queued === 0) this.chain = undefined;
    if (this.queued <= QUEUE_RESUME_AT) this.release('queue');
  }

  /**
   * One RATE_LIMITED per window, carrying the ref of the first frame over the limit; the socket is
   * not read until the window ends, and frames it had already sent in the window are dropped.
   */
  private refuseTooFast(data: Buffer, now: number): void {
    if (this.limitedInWindow) return;
    this.limitedInWindow = true;
    const left = this.windowStart + 1000 - now;
    this.sendError(
      new OmeChatError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) }),
      frameRefOfBytes(data),
    );
    this.hold('rate');
    clearTimeout(this.rateTimer);
    this.rateTimer = setTimeout(() => this.release('rate'), Math.max(1, left));
  }

  private handle(data: Buffer): Promise<void> | undefined {
    // Answers the client does not read hold the next request back (the socket is not read either).
    if (this.output.congested) return this.output.writable().then(() => this.handleNow(data));
    return this.handleNow(data);
  }

  /** Handles one frame; returns a promise only when it had to wait (undefined when done at once). */
  private handleNow(data: Buffer): Promise<void> | undefined {
    if (this.closed) return undefined;
    const read = readClientFrame(data.toString('utf8'), this.opts.maxFrameBytes);
    const ref = read.ref;
    try {
      if (read.error) throw read.error;
      const frame = read.frame;
      if (!this.principal) {
        if (frame.type !== 'auth') {
          this.sendError(new OmeChatError('AUTH_REQUIRED'), ref);
          this.close('AUTH_REQUIRED');
          return undefined;
        }
        return this.authenticate(frame.client_hash, frame.access_token, ref).catch((e: unknown) =>
          this.refuse(e, ref),
        );
      }
      if (frame.type === 'auth') throw new OmeChatError('ALREADY_AUTHENTICATED');
      return dispatchFrame(this.services, this.principal, frame).then(
        (reply) => {
          if (reply && 'later' in reply)
            reply.later.then(
              (r) => this.send(r),
              (e: unknown) => this.refuse(e, ref),
            );
          else if (reply) this.send(reply);
        },
        (e: unknown) => this.refuse(e, ref),
      );
    } catch (e) {
      this.refuse(e, ref);
      return undefined;
    }
  }

  private refuse(e: unknown, ref: string | undefined): void {
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

  private async authenticate(
    client_hash: string,
    access_token: string,
    ref: string | undefined,
  ): Promise<void> {
    const principal = await this.services.accounts.authenticate(client_hash, access_token);
    if (this.closed) return;
    clearTimeout(this.authTimer);
    this.authTimer = undefined; // the Timeout object is not kept for the connection's life
    this.principal = principal;
    this.hooks.onAuthenticated?.();
    const previous = this.services.hub.add(this);
    if (previous) {
      await this.services.relay.detach(previous);
      previous.close('ALREADY_AUTHENTICATED');
    }
    // Before its stored envelopes are read: a node storing for it afterwards will tell this one.
    await this.services.cluster.online(this);
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

  /** Stops reading the socket while any reason holds (TCP then pushes back on the sender). */
  private hold(reason: Hold): void {
    if (this.closed) return;
    if (this.holds === 0) this.socket.pause();
    this.holds |= HOLD[reason];
  }

  private release(reason: Hold): void {
    if ((this.holds & HOLD[reason]) === 0) return;
    this.holds &= ~HOLD[reason];
    if (this.holds !== 0 || this.closed) return;
    this.socket.resume();
  }

  /** @internal The socket closed (the socket listener calls this). */
  async onClose(): Promise<void> {
    this.closed = true;
    this.output.stop();
    clearTimeout(this.authTimer);
    clearTimeout(this.rateTimer);
    if (!this.principal) return;
    this.services.hub.remove(this);
    try {
      await this.services.cluster.offline(this);
      await this.services.relay.detach(this);
    } catch (e) {
      this.log.error({ err: { name: (e as Error).name, message: (e as Error).message } }, 'detach failed');
    }
  }
}
