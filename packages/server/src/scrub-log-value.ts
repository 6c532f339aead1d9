/**
 * The last fence of the logger (logger.ts): whatever a log line holds, from our code or a
 * library's, loses URL queries, IP addresses and token-shaped strings. Field names are redacted
 * separately; this catches values in messages (a library's "Route GET:/x?… not found" message, query and all).
 */
const QUERY_AFTER_PATH = /(\/[^\s"'?#<>]*)\?[^\s"'#<>]*/g;
const BARE_QUERY = /\?[^\s"'#<>=&?]+=[^\s"'#<>]*/g;
const IPV6 =
  /(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?)(?![0-9a-f:])/gi;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
/** Secrets and access tokens: 64 letters and digits with an upper-case one (ids are lower-case hex). */
const TOKEN = /(?<![A-Za-z0-9])(?=[A-Za-z0-9]{0,63}[A-Z])[A-Za-z0-9]{64}(?![A-Za-z0-9])/g;
const MAX_SCRUBBED = 16 * 1024;
const MAX_DEPTH = 6;

export function scrubLogText(s: string): string {
  if (s.length > MAX_SCRUBBED) return `[${s.length} characters left out]`;
  return s
    .replace(QUERY_AFTER_PATH, '$1?[query]')
    .replace(BARE_QUERY, '?[query]')
    .replace(IPV4, '[ip]')
    .replace(IPV6, '[ip]')
    .replace(TOKEN, '[redacted]');
}

/** Scrubs strings inside plain objects and arrays; errors are left to the error serializer. */
export function scrubLogValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubLogText(v);
  if (v === null || typeof v !== 'object' || v instanceof Error || depth >= MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => scrubLogValue(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrubLogValue(x, depth + 1);
  return out;
}
