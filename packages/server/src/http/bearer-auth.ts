import { OmeChatError } from '@omechat/protocol';

const BEARER = /^Bearer ((?:[0-9a-f]{64}|[0-9a-f]{128}))\.([A-Za-z0-9]{64})$/;

/** `Authorization: Bearer <client_hash>.<access_token>` — credentials travel in a header, never a URL. */
export function parseBearer(header: string | undefined): { client_hash: string; access_token: string } {
  const m = header ? BEARER.exec(header) : null;
  if (!m) throw new OmeChatError('UNAUTHENTICATED');
  return { client_hash: m[1]!, access_token: m[2]! };
}
