import type { AccountCredentials } from '@omechat/protocol';

/**
 * What proves an account from its username and secret: sign-in, and the standing and appeals of an
 * account that has no client (banned). The one place that turns the secret into what the server
 * receives, so all three always send the same thing.
 */
export function accountCredentials(username: string, secret: string): AccountCredentials {
  return { username, secret };
}
