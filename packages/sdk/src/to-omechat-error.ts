import {
  ERROR_CATALOGUE,
  OmeChatError,
  StrikeViewSchema,
  type ErrorCode,
  type InputIssue,
} from '@omechat/protocol';

/**
 * Turns an error body received from the server (HTTP `{error: {...}}` or a WebSocket `error` frame)
 * into the typed error. A code this SDK does not know (a newer server) keeps its message under INTERNAL.
 */
export function toOmeChatError(body: unknown, retryAfterHeader?: string | null): OmeChatError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const message = typeof b.message === 'string' ? b.message : undefined;
  const known = typeof b.code === 'string' && Object.hasOwn(ERROR_CATALOGUE, b.code);
  const code: ErrorCode = known ? (b.code as ErrorCode) : 'INTERNAL';
  let retryAfterSeconds = typeof b.retry_after === 'number' ? b.retry_after : undefined;
  if (retryAfterSeconds === undefined && retryAfterHeader && /^\d+$/.test(retryAfterHeader)) {
    retryAfterSeconds = Number(retryAfterHeader);
  }
  const issues = Array.isArray(b.issues)
    ? b.issues
        .filter(
          (i): i is InputIssue =>
            typeof i === 'object' &&
            i !== null &&
            typeof i.path === 'string' &&
            typeof i.problem === 'string',
        )
        .map((i) => ({ path: i.path, problem: i.problem }))
    : undefined;
  // The strike of ACCOUNT_BANNED / ACCOUNT_RESTRICTED, with its statement of reasons; the server is
  // untrusted, so a sanction that does not parse is left out rather than half-shown.
  const sanction = b.sanction === undefined ? undefined : StrikeViewSchema.safeParse(b.sanction);
  return new OmeChatError(code, {
    ...(sanction?.success ? { sanction: sanction.data } : {}),
    message: known ? message : `Unexpected server error ${String(b.code ?? '')}: ${message ?? ''}`.trim(),
    ...(issues ? { issues } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}
