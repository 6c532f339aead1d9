import { OmeChatError } from './omechat-error.js';
import { ClientFrameSchema, type ClientFrame } from './ws-frames.js';
import { parseInput } from './parse-input.js';

/**
 * Parses one untrusted WebSocket text frame: size first, then JSON, then the schema.
 * Returns the `ref` it could read even when the frame is invalid, so the error can be correlated.
 */
export function parseClientFrame(raw: string, maxBytes: number): ClientFrame {
  // UTF-8 needs at most 3 bytes per UTF-16 unit; only measure exactly when that bound is over the limit.
  if (
    raw.length > maxBytes ||
    (raw.length * 3 > maxBytes && new TextEncoder().encode(raw).length > maxBytes)
  ) {
    throw new OmeChatError('FRAME_TOO_LARGE');
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new OmeChatError('INVALID_FRAME', { message: 'The frame is not valid JSON.' });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new OmeChatError('INVALID_FRAME');
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string')
    throw new OmeChatError('INVALID_FRAME', { message: 'The frame has no type.' });
  return parseInput(ClientFrameSchema, data, 'INVALID_FRAME');
}

/** The `ref` of a frame, if it has a sane one, for error correlation. */
export function frameRef(raw: string): string | undefined {
  const m = /"ref"\s*:\s*"([^"\\]{1,64})"/.exec(raw.slice(0, 4096));
  return m?.[1];
}
