import type { AccountCredentials } from '@omechat/protocol';
import { normaliseSecret, secretProof } from './secret-sign-in.js';

/**
 * What proves an account from its username and secret: sign-in, and the standing and appeals of an
 * account that has no client (banned). The one place that turns the secret into what the server
 * receives, so all of them send the same thing: the authenticator of a v2 secret (never the secret
 * itself), or an old server-made secret only when the caller says it is one (`legacySecret`).
 */
export function accountCredentials(
  username: string,
  secret: string,
  legacySecret = false,
): AccountCredentials {
  return { username, ...secretProof(normaliseSecret(secret), legacySecret) };
}
