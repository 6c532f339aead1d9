import { WebSocket } from 'ws';
import type { ServerFrame } from '@omechat/protocol';

/** A raw WebSocket peer for protocol tests: sends frames, records every frame it receives. */
export class WsTestClient {
  readonly frames: ServerFrame[] = [];
  readonly raw: string[] = [];
  closeCode: number | null = null;
  private acking = false;
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private refs = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const f = JSON.parse(text) as ServerFrame;
      this.frames.push(f);
      if (this.acking && f.type === 'envelope')
        ws.send(JSON.stringify({ type: 'envelope.ack', ids: [f.id] }));
      this.waiters = this.waiters.filter((w) => (w.pred(f) ? (w.resolve(f), false) : true));
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static async open(baseUrl: string, opts: { headers?: Record<string, string> } = {}): Promise<WsTestClient> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/v1/ws', { headers: opts.headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsTestClient(ws);
  }

  static async authed(
    baseUrl: string,
    creds: { client_hash: string; access_token: string },
    opts: { headers?: Record<string, string> } = {},
  ): Promise<WsTestClient> {
    const c = await WsTestClient.open(baseUrl, opts);
    const ok = await c.request({
      type: 'auth',
      client_hash: creds.client_hash,
      access_token: creds.access_token,
    });
    if (ok.type !== 'auth.ok') throw new Error(`auth failed: ${JSON.stringify(ok)}`);
    return c;
  }

  /** Acknowledges every envelope as it arrives, the way the SDK does (a sender's ack waits for it). */
  autoAck(): this {
    this.acking = true;
    return this;
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends a frame with a fresh ref and resolves with the reply (or error) carrying it. */
  async request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<ServerFrame> {
    const ref = `r${++this.refs}`;
    const reply = this.waitFor((f) => 'ref' in f && f.ref === ref, timeoutMs);
    this.ws.send(JSON.stringify({ ...frame, ref }));
    return reply;
  }

  waitFor(pred: (f: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    const existing = this.frames.find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(t);
          resolve(f);
        },
      });
    });
  }

  waitType<T extends ServerFrame['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    return this.waitFor((f) => f.type === type, timeoutMs) as Promise<Extract<ServerFrame, { type: T }>>;
  }

  ofType<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<ServerFrame, { type: T }>[];
  }

  async closed(timeoutMs = 5000): Promise<number> {
    if (this.closeCode !== null) return this.closeCode;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
export const randomMsgId = () =>
  [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** A well-formed franking commitment (32 bytes, base64) for protocol tests. */
export const CF = Buffer.alloc(32, 9).toString('base64');
