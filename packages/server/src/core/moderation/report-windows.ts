import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { ChatRecord, ModerationStore, ServerKeyStore } from '../../ports/store.js';

const DAY = 86_400_000;

/** What a member of an ended chat can prove about it with the chat id. */
export interface EndedChat {
  partner: string;
  started_at: number;
  ended_at: number;
}

/**
 * Chats are deleted when they end, yet their members may report them for a while afterwards. For
 * that window each member gets one sealed row: looked up by HMAC(key, chat id | member), holding the
 * partner and the chat's start and end encrypted (AES-256-GCM) under a key derived from the chat id
 * and the member. The chat id exists only on the two members' devices once the chat is gone, so a
 * row alone (or the database with the server key) does not say who talked to whom. The expiry is
 * rounded up to a whole day so it does not give away when the chat ended.
 */
export class ReportWindows {
  private key: Buffer | undefined;

  constructor(
    private readonly deps: {
      store: { moderation: ModerationStore } & ServerKeyStore;
      clock: Clock;
      windowMs: number;
    },
  ) {}

  async init(): Promise<void> {
    const hex = await this.deps.store.getOrCreateServerKey(
      'report-window',
      1,
      randomBytes(32).toString('hex'),
      this.deps.clock.now(),
    );
    this.key = Buffer.from(hex, 'hex');
  }

  /** Called when a chat ends (before its record is deleted): one row per member. */
  async record(chat: ChatRecord): Promise<void> {
    const ended_at = this.deps.clock.now();
    const expires_at = Math.ceil((ended_at + this.deps.windowMs) / DAY) * DAY;
    for (const [member, partner] of [
      [chat.user_a, chat.user_b],
      [chat.user_b, chat.user_a],
    ] as const) {
      const box = this.seal(chat.chat_id, member, { partner, started_at: chat.created_at, ended_at });
      await this.deps.store.moderation.putReportWindow({
        lookup: this.mac('lookup', chat.chat_id, member),
        box,
        expires_at,
      });
    }
  }

  /** The ended chat `member` was in, if its window is still open. */
  async find(chat_id: string, member: string): Promise<EndedChat | null> {
    const row = await this.deps.store.moderation.getReportWindow(
      this.mac('lookup', chat_id, member),
      this.deps.clock.now(),
    );
    return row ? this.open(chat_id, member, row.box) : null;
  }

  /** One report per reporter per chat, recognisable only with the chat id. */
  dedupeKey(chat_id: string, reporter: string): string {
    return this.mac('report', chat_id, reporter);
  }

  private mac(label: string, chat_id: string, member: string): string {
    if (!this.key) throw new Error('ReportWindows.init() was not called');
    return createHmac('sha256', this.key).update(`${label}|${chat_id}|${member}`).digest('hex');
  }

  private boxKey(chat_id: string, member: string): Buffer {
    return Buffer.from(this.mac('box', chat_id, member), 'hex');
  }

  private seal(chat_id: string, member: string, value: EndedChat): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.boxKey(chat_id, member), iv);
    const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
  }

  private open(chat_id: string, member: string, box: string): EndedChat | null {
    try {
      const raw = Buffer.from(box, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.boxKey(chat_id, member), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const v = JSON.parse(text) as EndedChat;
      return typeof v.partner === 'string' &&
        Number.isSafeInteger(v.started_at) &&
        Number.isSafeInteger(v.ended_at)
        ? v
        : null;
    } catch {
      return null;
    }
  }
}
