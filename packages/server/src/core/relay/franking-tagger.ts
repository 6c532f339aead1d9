import { createHmac, randomBytes } from 'node:crypto';
import { frankingTagInput } from '@omechat/crypto';
import type { ServerKeyStore } from '../../ports/store.js';
import type { Clock } from '../../ports/clock.js';

/**
 * The server half of message franking (DESIGN §8): rf = HMAC(K_server[kid], cf | sender | recipient |
 * msg_id | ts), computed by `@omechat/crypto` so reports verify with the same code, forwarded with
 * the envelope. Keys are persisted per kid so reports verify after a restart.
 */
export class FrankingTagger {
  private key: Uint8Array | undefined;
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
    this.key = Uint8Array.from(Buffer.from(hex, 'hex'));
  }

  /** The key of a kid, for report verification. */
  keyFor(kid: string): Uint8Array | undefined {
    return kid === String(this.kid) ? this.key : undefined;
  }

  /** Same bytes and result as crypto's computeFrankingTag (a test checks), with node's native HMAC. */
  tag(cf: string, sender_user: string, recipient_user: string, msg_id: string, ts: number): string {
    if (!this.key) throw new Error('FrankingTagger.init() was not called');
    const input = frankingTagInput({
      kid: String(this.kid),
      cf,
      sender: sender_user,
      recipient: recipient_user,
      msgId: msg_id,
      ts,
    });
    return createHmac('sha256', this.key).update(input).digest('base64');
  }
}
