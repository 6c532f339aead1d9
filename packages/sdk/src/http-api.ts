import {
  AccountInfoSchema,
  AppealViewSchema,
  ReportReceiptSchema,
  StandingSchema,
  CreateAccountResponseSchema,
  CreateClientResponseSchema,
  ListClientsResponseSchema,
  OmeChatError,
  RotateSecretResponseSchema,
  type AccountCredentials,
  type AccountInfo,
  type AppealView,
  type ClientInfo,
  type CreateAccountResponse,
  type CreateClientRequest,
  type CreateClientResponse,
  type SignupChallengeResponse,
  type SignupProof,
  SignupChallengeResponseSchema,
  type RotateSecretRequest,
  type RotateSecretResponse,
  type ReportReceipt,
  type ReportRequest,
  type Standing,
} from '@omechat/protocol';
import type { ClientCredentials } from './client-credentials.js';
import { toOmeChatError } from './to-omechat-error.js';
import { transportError } from './transport-error.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpApiOptions {
  /** Per-request time limit; sign-up and login run argon2 on the server, so keep it generous. */
  timeoutMs?: number;
}

export interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

/**
 * The HTTP half of the OmeChat API (DESIGN §4). `baseUrl` is where the server is mounted, e.g.
 * `https://chat.example` (routes live under `/api/v1`). Every failure is an `OmeChatError`:
 * the server's code, or SERVICE_BUSY when the server cannot be reached or does not answer in time.
 */
export class HttpApi {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, fetchImpl?: FetchLike, opts: HttpApiOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetchImpl = fetchImpl;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** The WebSocket endpoint of the same server (`ws://` for `http://`, `wss://` for `https://`). */
  get wsUrl(): string {
    return this.baseUrl.replace(/^http/i, 'ws') + '/api/v1/ws';
  }

  /**
   * Signs up with the authenticator derived from a secret made on this device (never the secret),
   * and the solved sign-up challenge when the server asked for work.
   */
  createAccount(body: {
    username: string;
    age: number;
    authenticator: string;
    proof?: SignupProof;
  }): Promise<CreateAccountResponse> {
    return this.call('POST', '/accounts', { body, schema: CreateAccountResponseSchema });
  }

  /** A sign-up challenge at the caller's current difficulty (`challenge` null: no work needed now). */
  signupChallenge(): Promise<SignupChallengeResponse> {
    return this.call('POST', '/accounts/challenge', { schema: SignupChallengeResponseSchema });
  }

  /** Adds a client (device) to the account; returns its credentials. */
  createClient(body: CreateClientRequest): Promise<CreateClientResponse> {
    return this.call('POST', '/clients', { body, schema: CreateClientResponseSchema });
  }

  /** Registers the account's identity key once (after the first sign-in told the user_hash). */
  async registerIdentity(auth: ClientCredentials, identity_key: string): Promise<void> {
    await this.call('PUT', '/account/identity', { auth, body: { identity_key } });
  }

  /** Replaces the account's secret; every other client of the account is signed out. */
  rotateSecret(auth: ClientCredentials, body: RotateSecretRequest): Promise<RotateSecretResponse> {
    return this.call('POST', '/accounts/secret', { auth, body, schema: RotateSecretResponseSchema });
  }

  async listClients(auth: ClientCredentials): Promise<ClientInfo[]> {
    const res = await this.call('GET', '/clients', { auth, schema: ListClientsResponseSchema });
    return res.clients;
  }

  /** Revokes a client of the account: its token stops working (an open socket is refused on reconnection). */
  async revokeClient(auth: ClientCredentials, client_hash: string): Promise<void> {
    await this.call('DELETE', `/clients/${encodeURIComponent(client_hash)}`, { auth });
  }

  getAccount(auth: ClientCredentials): Promise<AccountInfo> {
    return this.call('GET', '/account', { auth, schema: AccountInfoSchema });
  }

  /** Deletes the account and everything of it, including all its clients. */
  async deleteAccount(auth: ClientCredentials): Promise<void> {
    await this.call('DELETE', '/account', { auth });
  }

  /** Reports a chat with revealed received messages (the caller picks them; see OmeChatClient.report). */
  report(auth: ClientCredentials, body: ReportRequest): Promise<ReportReceipt> {
    return this.call('POST', '/reports', { body, auth, schema: ReportReceiptSchema });
  }

  /** The signed-in account's standing: what restricts it now, and every strike. */
  standing(auth: ClientCredentials): Promise<Standing> {
    return this.call('GET', '/account/standing', { auth, schema: StandingSchema });
  }

  /** The standing of an account that has no client (banned), with what sign-in takes. */
  standingWithCredentials(creds: AccountCredentials): Promise<Standing> {
    return this.call('POST', '/standing', { body: creds, schema: StandingSchema });
  }

  /** Appeals a strike, with what sign-in takes (a banned account has no client). */
  appeal(body: AccountCredentials & { appeal_id: string; text: string }): Promise<AppealView> {
    return this.call('POST', '/appeals', { body, schema: AppealViewSchema });
  }

  /**
   * One request under /api/v1. `auth` is a client's credentials; `bearer` any other bearer token
   * (a moderator's, for the admin API). Every answer is parsed with `schema` (the server is untrusted).
   */
  async call<T = undefined>(
    method: string,
    path: string,
    opts: { body?: unknown; auth?: ClientCredentials; bearer?: string; schema?: Schema<T> },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.auth) headers.authorization = `Bearer ${opts.auth.client_hash}.${opts.auth.access_token}`;
    else if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    // Resolved per call and called unbound: browsers reject `fetch` invoked as a method of another object.
    const fetchImpl = this.fetchImpl ?? globalThis.fetch;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: controller.signal,
      });
      text = await res.text();
    } catch {
      // The cause is not attached: it can echo request details.
      throw transportError(
        controller.signal.aborted ? 'The server did not answer in time.' : 'Cannot reach the server.',
      );
    } finally {
      clearTimeout(timer);
    }

    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const err = (json as { error?: unknown } | undefined)?.error;
      if (typeof err === 'object' && err !== null) throw toOmeChatError(err, res.headers.get('retry-after'));
      // Not an OmeChat error body: a proxy or gateway in between answered.
      throw res.status >= 500
        ? transportError(`The server is unavailable (HTTP ${res.status}).`)
        : new OmeChatError('INTERNAL', { message: `Unexpected HTTP ${res.status} from the server.` });
    }
    if (!opts.schema) return undefined as T;
    const parsed = opts.schema.safeParse(json);
    if (!parsed.success) {
      // The server is untrusted input: a response off the schema is refused, never used.
      throw new OmeChatError('INVALID_SERVER_FRAME', {
        message: 'The server sent a response this SDK does not understand.',
      });
    }
    return parsed.data;
  }
}
