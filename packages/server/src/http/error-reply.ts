import { OmeChatError, isOmeChatError } from '@omechat/protocol';

/** Maps anything thrown in a request to a catalogue error; unknown errors become INTERNAL (logged, not sent). */
export function toOmeChatError(err: unknown): { error: OmeChatError; unexpected: boolean } {
  if (isOmeChatError(err)) return { error: err, unexpected: false };
  const e = err as { code?: string; statusCode?: number; name?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new OmeChatError('BODY_TOO_LARGE'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { error: new OmeChatError('UNSUPPORTED_MEDIA_TYPE'), unexpected: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { error: new OmeChatError('INVALID_JSON'), unexpected: false };
  }
  if (e.name === 'SyntaxError' && e.statusCode === 400)
    return { error: new OmeChatError('INVALID_JSON'), unexpected: false };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return { error: new OmeChatError('BODY_TOO_LARGE'), unexpected: false };
    if (e.statusCode === 415) return { error: new OmeChatError('UNSUPPORTED_MEDIA_TYPE'), unexpected: false };
    return { error: new OmeChatError('INVALID_INPUT'), unexpected: false };
  }
  return { error: new OmeChatError('INTERNAL'), unexpected: true };
}
