import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { OmeChatError, type ErrorCode } from '@omechat/protocol';
import type { Logger } from '../logger.js';

/** Headers every HTTP answer carries, refusals included. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
} as const;

const CODES: Record<string, ErrorCode> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
};

/**
 * Answers a request node's HTTP parser refused (bad request line, bad header, timeout) with a
 * catalogue error and our headers, written on the raw socket (there is no request object), then
 * closes the connection. Logged at debug by code only: the error's raw packet holds the URL and
 * headers.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket, log: Logger): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  log.debug({ err: { code: err.code ?? err.name } }, 'client error');
  if (socket.writable) {
    const error = new OmeChatError((err.code && CODES[err.code]) || 'INVALID_INPUT', {
      message: err.code && CODES[err.code] ? undefined : 'The request is not valid HTTP.',
    });
    const body = JSON.stringify({ error: error.toBody() });
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      connection: 'close',
      ...SECURITY_HEADERS,
    };
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${head}\r\n${body}`);
  }
  setTimeout(() => socket.destroy(), 1_000).unref();
}
