import type { ChatInfo, ServerFrame } from '@omechat/protocol';
import { describe, expect, it } from 'vitest';
import type { ClientRequester } from './client-connection.js';
import { LocalChats } from './local-chats.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { WriteQueue } from './write-queue.js';

const hex = (c: string) => c.repeat(64);
const info = (chat_id: string): ChatInfo => ({
  chat_id,
  partner: { user_hash: hex('b'), username: 'kim', age: 17, age_band: 'minor-old' },
  created_at: 1,
  origin: 'match',
});

/** A connection whose `chats.list` reply the test releases by hand, to order it against pushes. */
function heldChatList() {
  let release!: (chats: ChatInfo[]) => void;
  const connection: ClientRequester = {
    connected: true,
    request: (() =>
      new Promise<ServerFrame>((resolve) => {
        release = (chats) => resolve({ type: 'chats', chats });
      })) as ClientRequester['request'],
    requestAny: () => Promise.reject(new Error('unused')),
    send: () => undefined,
    ack: () => undefined,
  };
  return { connection, release: (chats: ChatInfo[]) => release(chats) };
}

function localChats(connection: ClientRequester) {
  return new LocalChats({
    store: new MemoryKeyStore(),
    queue: new WriteQueue(),
    connection,
    opener: { open: () => Promise.reject(new Error('unused')) },
    events: { emit: () => undefined },
    user_hash: hex('a'),
  });
}

describe('LocalChats.sync', () => {
  it('never ends a chat that started after the chat list was asked for, nor revives one ended since', async () => {
    const { connection, release } = heldChatList();
    const chats = localChats(connection);
    await chats.start(info(hex('1')));
    await chats.start(info(hex('2')));
    const syncing = chats.sync();
    // While the request is out: a match arrives (chat 3), and chat 2 ends.
    await chats.start(info(hex('3')));
    await chats.end(hex('2'), 'next');
    // The (older) list knows chats 1 and 2, not 3.
    release([info(hex('1')), info(hex('2'))]);
    await syncing;
    expect((await chats.chat(hex('1')))?.active).toBe(true);
    expect(await chats.chat(hex('2'))).toMatchObject({ active: false, ended_reason: 'next' });
    expect((await chats.chat(hex('3')))?.active).toBe(true);

    // A list asked for after those changes does end a chat the server no longer has.
    const again = chats.sync();
    release([info(hex('3'))]);
    await again;
    expect(await chats.chat(hex('1'))).toMatchObject({ active: false, ended_reason: 'left' });
    expect((await chats.chat(hex('3')))?.active).toBe(true);
  });
});

describe('LocalChats unread counts', () => {
  it('counts received messages once and announces every change of the count as chat.updated', async () => {
    const events: { event: string; unread?: number }[] = [];
    const connection: ClientRequester = {
      connected: true,
      request: (() => Promise.resolve({ type: 'ok' })) as unknown as ClientRequester['request'],
      requestAny: () => Promise.reject(new Error('unused')),
      send: () => undefined,
      ack: () => undefined,
    };
    const chats = new LocalChats({
      store: new MemoryKeyStore(),
      queue: new WriteQueue(),
      connection,
      opener: {
        open: () => Promise.resolve({ ok: true, text: 'hi', franking: { body: 'b', kf: 'k' }, ops: [] }),
      },
      events: {
        emit: (event, payload) =>
          events.push(
            event === 'chat.updated' ? { event, unread: (payload as { unread: number }).unread } : { event },
          ),
      },
      user_hash: hex('a'),
    });
    const chat_id = hex('1');
    await chats.start(info(chat_id));
    const env = (msg_id: string, from_user: string) =>
      ({ id: msg_id, chat_id, msg_id, from_user, from_client: hex('c'), ts: 5 }) as never;
    await chats.receive(env('m1', hex('b')));
    await chats.receive(env('m2', hex('b')));
    await chats.receive(env('m2', hex('b'))); // a redelivery counts nothing
    await chats.receive(env('m3', hex('a'))); // my own message from another device
    expect((await chats.chat(chat_id))?.unread).toBe(2);
    expect(events.filter((e) => e.event === 'chat.updated').map((e) => e.unread)).toEqual([1, 2, 2]);
    await chats.markRead(chat_id);
    expect((await chats.chat(chat_id))?.unread).toBe(0);
    expect(events.at(-1)).toEqual({ event: 'chat.updated', unread: 0 });
  });
});
