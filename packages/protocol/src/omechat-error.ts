import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';
import type { StrikeView } from './moderation-schemas.js';

/** A field-level problem found while parsing untrusted input (no input values are echoed). */
export interface InputIssue {
  path: string;
  problem: string;
}

/** The typed error every layer throws; adapters turn it into an HTTP response or a WebSocket frame. */
export class OmeChatError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: InputIssue[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** ACCOUNT_BANNED / ACCOUNT_RESTRICTED: the strike, with its statement of reasons and appeal id. */
  readonly sanction: StrikeView | undefined;

  constructor(
    code: ErrorCode,
    opts: { issues?: InputIssue[]; retryAfterSeconds?: number; message?: string; sanction?: StrikeView } = {},
  ) {
    super(opts.message ?? ERROR_CATALOGUE[code].message);
    this.name = 'OmeChatError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.issues = opts.issues;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.sanction = opts.sanction;
  }

  /** The wire form shared by HTTP bodies and WebSocket error frames. */
  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message, status: this.status };
    if (this.issues) body.issues = this.issues;
    if (this.retryAfterSeconds !== undefined) body.retry_after = this.retryAfterSeconds;
    if (this.sanction) body.sanction = this.sanction;
    return body;
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  status: number;
  issues?: InputIssue[];
  retry_after?: number;
  sanction?: StrikeView;
}

export function isOmeChatError(e: unknown): e is OmeChatError {
  return e instanceof OmeChatError;
}
