import { createHmac } from 'node:crypto';

/**
 * Baseline credentials: the token of client `id` is HMAC-SHA256(secret, id), so the baselines check a
 * real secret on connect (one hash, like OmeChat's token hash) without a database.
 */
export function baselineToken(secret: string, id: string): string {
  return createHmac('sha256', secret).update(id).digest('hex');
}
