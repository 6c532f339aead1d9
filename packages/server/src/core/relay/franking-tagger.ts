import { createHmac, randomBytes } from 'node:crypto';
import type { ServerKeyStore } from '../../ports/store.js';
import type { Clock } from '../../ports/clock.js';

/**
 * The server half of message franking (DESIGN §8): rf = HMAC(K_server[kid], cf | sender | recipient |
 * msg_id | ts), forwarded with the envelope and never stored by the server beside the report flow.
 * Keys are persisted per kid so reports verify after a restart.
 */
export class FrankingTagger {
  private key: Buffer | undefined;
  readonly kid = 1;

  constructor(
    private readonly store: ServerKeyStore,
    private readonly clock: Clock,
  ) {}

  async init(): Promise<void> {
    const hex = await this.store.getOrCreateServerKey(
      'franking',
      this.kid,
      randomBytes(32).toString('hex'),
      this.clock.now(),
    );
    this.key = Buffer.from(hex, 'hex');
  }

  tag(cf: string, sender_user: string, recipient_user: string, msg_id: string, ts: number): string {
    if (!this.key) throw new Error('FrankingTagger.init() was not called');
    const h = createHmac('sha256', this.key);
    for (const part of [cf, sender_user, recipient_user, msg_id, String(ts)]) {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(Buffer.byteLength(part));
      h.update(len).update(part);
    }
    return h.digest('base64');
  }
}
