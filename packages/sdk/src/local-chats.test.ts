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
