import { OmeChatError } from './omechat-error.js';
import { ClientFrameSchema, type ClientFrame } from './ws-frames.js';
import { parseInput } from './parse-input.js';
import { fastMessageSend } from './fast-message-send.js';

/** What reading one frame gave: the frame, or the error to answer with; `ref` either way when readable. */
export type ClientFrameResult =
  | { frame: ClientFrame; ref: string | undefined; error?: undefined }
  | { frame?: undefined; ref: string | undefined; error: OmeChatError };

/**
 * Reads one untrusted WebSocket text frame: size first, then JSON, then the schema. The `ref` is
 * read before any validation (from the parsed object, or from the first or last bytes of a frame
 * that cannot be parsed), so every refusal can carry it and the client can fail the right request.
 */
export function readClientFrame(raw: string, maxBytes: number): ClientFrameResult {
  // UTF-8 needs at most 3 bytes per UTF-16 unit; only measure exactly when that bound is over the limit.
  if (
    raw.length > maxBytes ||
    (raw.length * 3 > maxBytes && new TextEncoder().encode(raw).length > maxBytes)
  ) {
    return { error: new OmeChatError('FRAME_TOO_LARGE'), ref: frameRef(raw) };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return {
      error: new OmeChatError('INVALID_FRAME', { message: 'The frame is not valid JSON.' }),
      ref: frameRef(raw),
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { error: new OmeChatError('INVALID_FRAME'), ref: undefined };
  const r = (data as { ref?: unknown }).ref;
  const ref = typeof r === 'string' && r.length > 0 && r.length <= MAX_REF ? r : undefined;
  if (typeof (data as { type?: unknown }).type !== 'string')
    return { error: new OmeChatError('INVALID_FRAME', { message: 'The frame has no type.' }), ref };
  const type = (data as { type: string }).type;
  // The hot frame skips zod's generic walk when it is well formed (the schema still decides otherwise).
  if (type === 'message.send') {
    const fast = fastMessageSend(data);
    if (fast) return { frame: fast, ref };
  }
  if (!CLIENT_FRAME_TYPES.has(type))
    return { error: new OmeChatError('INVALID_FRAME', { message: 'Unknown frame type.' }), ref };
  // A known type that does not match its schema (wrong, missing or unknown fields) is INVALID_INPUT,
  // or TOLERANCE_INVALID when the tolerance is all that is wrong (docs/errors.md).
  const parsed = ClientFrameSchema.safeParse(data);
  if (parsed.success) return { frame: parsed.data, ref };
  const onlyTolerance = parsed.error.issues.every((i) => i.path.length === 1 && i.path[0] === 'tolerance');
  try {
    parseInput(ClientFrameSchema, data, onlyTolerance ? 'TOLERANCE_INVALID' : 'INVALID_INPUT');
  } catch (e) {
    return { error: e as OmeChatError, ref };
  }
  return { error: new OmeChatError('INVALID_INPUT'), ref };
}

const CLIENT_FRAME_TYPES: ReadonlySet<string> = new Set(
  ClientFrameSchema.options.map((o) => o.shape.type.value as string),
);

/** Parses one untrusted WebSocket text frame; throws the typed error `readClientFrame` reports. */
export function parseClientFrame(raw: string, maxBytes: number): ClientFrame {
  const r = readClientFrame(raw, maxBytes);
  if (r.error) throw r.error;
  return r.frame;
}

const MAX_REF = 64;
/** How much of each end of an unparsable frame is searched for its `ref`. */
const REF_SCAN = 4096;
const REF_PATTERN = /"ref"\s*:\s*"([^"\\]{1,64})"/;

/**
 * The `ref` of a frame that could not be parsed, if it has a sane one, for error correlation. Only
 * the first and last few KiB are searched: clients put `ref` first (the SDK does), and a frame that
 * was built as `{...frame, ref}` has it last.
 */
export function frameRef(raw: string): string | undefined {
  const head = REF_PATTERN.exec(raw.slice(0, REF_SCAN));
  if (head || raw.length <= REF_SCAN) return head?.[1];
  return REF_PATTERN.exec(raw.slice(-REF_SCAN))?.[1];
}

/** `frameRef` of raw frame bytes (a frame refused before it is decoded: too fast, queue full). */
export function frameRefOfBytes(bytes: Uint8Array): string | undefined {
  const decoder = new TextDecoder();
  const head = REF_PATTERN.exec(decoder.decode(bytes.subarray(0, REF_SCAN)));
  if (head || bytes.length <= REF_SCAN) return head?.[1];
  return REF_PATTERN.exec(decoder.decode(bytes.subarray(bytes.length - REF_SCAN)))?.[1];
}
