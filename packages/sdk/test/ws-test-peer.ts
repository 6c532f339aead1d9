import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

type Frame = Record<string, unknown> & { type: string; ref?: string };

/**
 * A small real WebSocket server speaking the auth + request/ref protocol of /api/v1/ws, for
 * exercising WsConnection's transport logic (outages, refusals, timeouts) in isolation.
 * Replies: `chats.list` -> `chats`; `match.join` -> error ALREADY_IN_CHAT; `match.cancel` -> never.
 */
export class WsTestPeer {
  /** access tokens accepted, by client_hash */
  readonly tokens = new Map<string, string>();
  /** every connection's received frames, in order, and its request URL */
  readonly connections: { url: string; frames: Frame[]; socket: WebSocket }[] = [];
  /** answer auth frames with this error code instead of checking the token */
  authError: string | null = null;
  /** leave auth frames unanswered (a hung server) */
  ignoreAuth = false;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  port = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}/api/v1/ws`;
  }

  /** Listens (again, on the same port after `stop()`). */
  async start(): Promise<void> {
    this.http = createServer();
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req.url ?? ''));
    await new Promise<void>((resolve) => this.http!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  /** Drops every connection abruptly (no close frame) and stops listening: an outage. */
  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => this.http?.close(() => resolve()) ?? resolve());
    this.wss = null;
    this.http = null;
  }

  /** Drops every connection abruptly but keeps listening. */
  dropAll(): void {
    for (const c of this.wss?.clients ?? []) c.terminate();
  }

  /** Sends a raw text frame to every open connection. */
  broadcastRaw(text: string): void {
    for (const c of this.wss?.clients ?? []) c.send(text);
  }

  get openCount(): number {
    return this.wss?.clients.size ?? 0;
  }

  private onConnection(socket: WebSocket, url: string): void {
    const conn = { url, frames: [] as Frame[], socket };
    this.connections.push(conn);
    let authed = false;
    const send = (f: Record<string, unknown>) => socket.send(JSON.stringify(f));
    const error = (code: string, ref: string | undefined, status = 400) =>
      send({ type: 'error', ref, code, message: `test ${code}`, status });
    socket.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      conn.frames.push(f);
      if (!authed) {
        if (this.ignoreAuth) {
          // no answer
        } else if (f.type !== 'auth') {
          error('AUTH_REQUIRED', f.ref, 401);
          socket.close(4401, 'AUTH_REQUIRED');
        } else if (this.authError) {
          error(this.authError, f.ref, 401);
          // Like the real server: every refused auth ends with UNAUTHENTICATED.
          socket.close(4401, this.authError === 'RATE_LIMITED' ? 'RATE_LIMITED' : 'UNAUTHENTICATED');
        } else if (this.tokens.get(String(f.client_hash)) !== f.access_token) {
          error('UNAUTHENTICATED', f.ref, 401);
          socket.close(4401, 'UNAUTHENTICATED');
        } else {
          authed = true;
          send({
            type: 'auth.ok',
            ref: f.ref,
            user_hash: 'f'.repeat(64),
            client_hash: f.client_hash,
            server_time: 1,
          });
        }
        return;
      }
      switch (f.type) {
        case 'chats.list':
          send({ type: 'chats', ref: f.ref, chats: [] });
          break;
        case 'match.join':
          error('ALREADY_IN_CHAT', f.ref, 409);
          break;
        case 'match.cancel':
          break; // never answered: for timeouts
        case 'typing':
          if (f.ref) send({ type: 'ok', ref: f.ref });
          break;
        default:
          error('INVALID_FRAME', f.ref);
      }
    });
  }
}
