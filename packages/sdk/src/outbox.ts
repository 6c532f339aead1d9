import { OmeChatError, type ServerFrameOf } from '@omechat/protocol';
import { reportError, type ClientEventSink } from './client-event-sink.js';
import type { ClientRequester } from './client-connection.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import type { LocalChats } from './local-chats.js';
import { MAX_TEXT_LENGTH } from './message-body.js';
import type { PeerSessions } from './peer-sessions.js';
import type { ChatMessage, MessageStatus } from './sdk-types.js';
import type { WsRequestFrame } from './ws-request-types.js';
import type { WriteQueue } from './write-queue.js';

/** A message sent but not yet acknowledged by the server: resent as-is after a reconnect. */
interface OutboxRecord {
  /** Writing order on this device; entries made before sequence numbers have none (sent first). */
  seq?: number;
  chat_id: string;
  msg_id: string;
  /** The encrypted frame, once made; resent unchanged until acknowledged. */
  frame?: Extract<WsRequestFrame, { type: 'message.send' }>;
  /** Set once the message was re-encrypted after the server refused a stale device list. */
  retried?: boolean;
}

type ReadyOutbox = OutboxRecord & { frame: NonNullable<OutboxRecord['frame']> };

/** What the outbox needs of the sessions. */
export type OutboxSessions = Pick<PeerSessions, 'ensure' | 'targets' | 'encrypt' | 'fetchDevices' | 'resync'>;
/** What the outbox needs of the local chats. */
export type OutboxChats = Pick<LocalChats, 'chat' | 'message' | 'messageOp' | 'summaryOp'>;

export interface OutboxDeps {
  store: KeyStore;
  queue: WriteQueue;
  connection: ClientRequester;
  sessions: OutboxSessions;
  chats: OutboxChats;
  events: ClientEventSink;
}

const BUNDLE_RETRY_MS = 3000;
/** Transport trouble or a busy server: the request is made again (it waits for the reconnect). */
const TRANSPORT_RETRY_MS = 1000;
/** A recipient device holds too much undelivered: try again once it may have caught up. */
const QUOTA_RETRY_MS = 10_000;
const OTHER_RETRY_MS = 5000;
const OUTBOX_PREFIX = 'outbox:';
const SEQ_KEY = 'outbox_seq';
// Zero-padded, so the store's key order is the writing order.
const outboxKey = (o: OutboxRecord) =>
  `${OUTBOX_PREFIX}${o.seq === undefined ? o.msg_id : String(o.seq).padStart(16, '0')}`;

function randomHex(bytes: number): string {
  return [...globalThis.crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Messages on their way out: stored (status `sending`) with a sequence number before anything is
 * sent, encrypted once for every device of the partner and every other device of this user, and
 * sent one at a time per chat in writing order, each (unchanged) until the server acknowledges it:
 * after a reconnect, a reload, a timeout or `RATE_LIMITED` (after its `retry_after`), a later
 * message never overtakes an earlier one.
 */
export class Outbox {
  /** Chats whose sending loop runs. */
  private readonly running = new Set<string>();
  /** Chats with something new since their loop last looked. */
  private readonly wanted = new Set<string>();

  constructor(private readonly deps: OutboxDeps) {}

  /** Stores a text message and starts delivering it. */
  async sendText(chat_id: string, text: string): Promise<ChatMessage> {
    if (text.length === 0 || text.length > MAX_TEXT_LENGTH) {
      throw new OmeChatError('INVALID_INPUT', {
        message: `A message has 1 to ${MAX_TEXT_LENGTH} characters.`,
      });
    }
    const { chats, store } = this.deps;
    const chat = await chats.chat(chat_id);
    if (!chat || !chat.active) throw new OmeChatError('CHAT_NOT_FOUND');
    const msg_id = randomHex(16);
    const message: ChatMessage = { chat_id, msg_id, from_me: true, text, ts: Date.now(), status: 'sending' };
    // Stored and shown at once, even offline; encryption and sending follow (and resume after a
    // reconnect or a reload: the outbox entry stays until the server acknowledges the message).
    await this.deps.queue.run(async () => {
      const seq = ((await store.get<number>(SEQ_KEY)) ?? 0) + 1;
      const outbox: OutboxRecord = { seq, chat_id, msg_id };
      const latest = (await chats.chat(chat_id)) ?? chat;
      await store.write([
        chats.messageOp(message),
        { key: SEQ_KEY, value: seq },
        { key: outboxKey(outbox), value: outbox },
        chats.summaryOp({ ...latest, last_activity: message.ts, last_text: text }),
      ]);
    });
    this.deps.events.emit('message', message);
    this.kick(chat_id);
    return message;
  }

  /** After (re)connecting: delivers everything still waiting for an acknowledgement. */
  async resume(): Promise<void> {
    for (const o of await this.pending()) this.kick(o.chat_id);
  }

  /** The outbox in writing order. */
  private async pending(): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    for (const key of await this.deps.store.keys(OUTBOX_PREFIX)) {
      const o = await this.deps.store.get<OutboxRecord>(key);
      if (o) out.push(o);
    }
    return out.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  /** Starts the chat's sending loop, unless it runs (then it looks again before it stops). */
  private kick(chat_id: string): void {
    if (!this.deps.connection.connected) return;
    this.wanted.add(chat_id);
    if (this.running.has(chat_id)) return;
    this.running.add(chat_id);
    void this.run(chat_id)
      .catch((e) => reportError(this.deps.events, e))
      .finally(() => {
        this.running.delete(chat_id);
        if (this.wanted.has(chat_id)) this.kick(chat_id);
      });
  }

  /** Sends the chat's outbox entries one at a time, oldest first; an entry is retried until done. */
  private async run(chat_id: string): Promise<void> {
    while (this.deps.connection.connected) {
      this.wanted.delete(chat_id);
      const o = (await this.pending()).find((p) => p.chat_id === chat_id);
      if (!o) return;
      const retryInMs = await this.attempt(o);
      if (retryInMs > 0) {
        this.wanted.add(chat_id);
        await sleep(retryInMs);
      }
    }
  }

  /** Encrypts (once) and transmits an entry; 0 when it is done, else when to try it again. */
  private async attempt(o: OutboxRecord): Promise<number> {
    try {
      const ready = o.frame ? (o as ReadyOutbox) : await this.encrypt(o);
      if (ready) await this.transmit(ready);
      else await this.deps.queue.run(() => this.deps.store.write([{ key: outboxKey(o), delete: true }]));
      return 0;
    } catch (e) {
      if (e instanceof OmeChatError) {
        if (e.code === 'RATE_LIMITED') return Math.max(1, e.retryAfterSeconds ?? 1) * 1000;
        if (e.code === 'BUNDLE_NOT_FOUND') return BUNDLE_RETRY_MS;
        // Transport trouble: the next request waits for the reconnect.
        if (e.code === 'SERVICE_BUSY') return TRANSPORT_RETRY_MS;
        if (e.code === 'PENDING_QUOTA_EXCEEDED') return QUOTA_RETRY_MS;
      }
      reportError(this.deps.events, e);
      return OTHER_RETRY_MS;
    }
  }

  /**
   * Opens missing sessions, encrypts the message for every device, and stores the ratchet steps
   * together with the ready frame in one write, so a crash cannot encrypt twice.
   */
  private async encrypt(o: OutboxRecord): Promise<ReadyOutbox | null> {
    const { chats, sessions } = this.deps;
    const chat = await chats.chat(o.chat_id);
    const m = await chats.message(o.chat_id, o.msg_id);
    if (!chat || !m) return null;
    const partner = chat.partner.user_hash;
    await sessions.ensure(partner);
    return this.deps.queue.run(async () => {
      // Another tab of this browser may have encrypted (or even sent) this entry meanwhile: the
      // stored entry wins, so one message is never encrypted twice.
      const current = await this.deps.store.get<OutboxRecord>(outboxKey(o));
      if (!current) return null;
      if (current.frame) return current as ReadyOutbox;
      const targets = await sessions.targets(partner);
      if (![...targets.values()].some((t) => t.owner === partner)) {
        // The partner has no device with keys yet (it may still be uploading them): retried below.
        throw new OmeChatError('BUNDLE_NOT_FOUND', {
          message: "The partner's device has no keys yet; the message will be retried.",
        });
      }
      const enc = sessions.encrypt(targets, m.text, { chat_id: o.chat_id, msg_id: o.msg_id });
      const ready: ReadyOutbox = {
        ...o,
        frame: {
          type: 'message.send',
          chat_id: o.chat_id,
          msg_id: o.msg_id,
          cf: enc.cf,
          envelopes: enc.envelopes,
        },
      };
      await this.deps.store.write([...enc.ops, { key: outboxKey(o), value: ready }]);
      return ready;
    });
  }

  private async transmit(o: ReadyOutbox): Promise<void> {
    let ack: ServerFrameOf<'message.ack'>;
    try {
      ack = await this.deps.connection.request(o.frame, 'message.ack');
    } catch (e) {
      if (e instanceof OmeChatError && e.code === 'NOT_IN_CHAT' && !o.retried) {
        // Most likely a device of the chat was revoked since our sessions were made: refresh the
        // device lists and encrypt again, once.
        const chat = await this.deps.chats.chat(o.chat_id);
        if (chat?.active) return this.transmit(await this.reencrypt(o, chat.partner.user_hash));
      }
      if (
        e instanceof OmeChatError &&
        (e.code === 'NOT_IN_CHAT' || e.code === 'INVALID_FRAME' || e.code === 'INVALID_INPUT')
      ) {
        await this.finish(o, null, 'failed');
        return;
      }
      throw e; // transport trouble: stays in the outbox, resent after the next reconnect
    }
    const status: MessageStatus = ack.partner_delivered > 0 ? 'delivered' : 'sent';
    await this.finish(o, ack.ts, status);
    if (ack.missing_clients.length > 0)
      await this.sendToMissing(o, ack.missing_clients).catch((e) => reportError(this.deps.events, e));
  }

  /** Drops sessions of devices that no longer exist, opens ones for new devices, encrypts again. */
  private async reencrypt(o: ReadyOutbox, partner: string): Promise<ReadyOutbox> {
    const { sessions } = this.deps;
    const served = await sessions.fetchDevices(partner);
    return this.deps.queue.run(async () => {
      const { targets, ops } = await sessions.resync(partner, served);
      const m = await this.deps.chats.message(o.chat_id, o.msg_id);
      const enc = sessions.encrypt(targets, m?.text ?? '', { chat_id: o.chat_id, msg_id: o.msg_id });
      const next: ReadyOutbox = {
        ...(o.seq === undefined ? {} : { seq: o.seq }),
        chat_id: o.chat_id,
        msg_id: o.msg_id,
        retried: true,
        frame: { ...o.frame, cf: enc.cf, envelopes: enc.envelopes },
      };
      // The encrypt ops win over the resync ops for the same key (later op, same write).
      await this.deps.store.write([...ops, ...enc.ops, { key: outboxKey(o), value: next }]);
      return next;
    });
  }

  private async finish(o: OutboxRecord, ts: number | null, status: MessageStatus): Promise<void> {
    const updated = await this.deps.queue.run(async () => {
      const m = await this.deps.chats.message(o.chat_id, o.msg_id);
      const ops: KeyStoreOp[] = [{ key: outboxKey(o), delete: true }];
      let next: ChatMessage | null = null;
      if (m) {
        next = { ...m, status: m.status === 'read' ? 'read' : status, ts: ts ?? m.ts };
        ops.push(this.deps.chats.messageOp(next));
      }
      await this.deps.store.write(ops);
      return next;
    });
    if (updated)
      this.deps.events.emit('message.status', {
        chat_id: o.chat_id,
        msg_id: o.msg_id,
        status: updated.status,
      });
  }

  /** A device the message did not cover (added since): open a session and send it its copy. */
  private async sendToMissing(o: ReadyOutbox, missing: string[]): Promise<void> {
    const { chats, sessions } = this.deps;
    const m = await chats.message(o.chat_id, o.msg_id);
    const chat = await chats.chat(o.chat_id);
    if (!m || !chat) return;
    await sessions.ensure(chat.partner.user_hash, true);
    const frame = await this.deps.queue.run(async () => {
      const targets = await sessions.targets(chat.partner.user_hash);
      for (const c of [...targets.keys()]) if (!missing.includes(c)) targets.delete(c);
      if (targets.size === 0) return null;
      const enc = sessions.encrypt(targets, m.text, { chat_id: o.chat_id, msg_id: o.msg_id });
      await this.deps.store.write(enc.ops);
      return { ...o.frame, cf: enc.cf, envelopes: enc.envelopes };
    });
    if (frame) await this.deps.connection.request(frame, 'message.ack');
  }
}
