import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ByteWriter } from './byte-writer.js';

/**
 * The routing labels of the envelope a wire message travels in. They are bound into the associated
 * data of the body, so a server that relabels an envelope (another chat, another message id) makes
 * it fail to decrypt instead of showing it in the wrong place or as another message.
 */
export interface MessageContext {
  chat_id: string;
  msg_id: string;
}

/** For callers outside any chat (tests, tools): binds empty labels. */
export const NO_CONTEXT: MessageContext = Object.freeze({ chat_id: '', msg_id: '' });

/** `L("OmeChat v2 envelope") | L(chat_id) | L(msg_id)`, L(x) = u32 length || UTF-8 x. */
export function contextAd(ctx: MessageContext): Uint8Array {
  return new ByteWriter()
    .lengthPrefixed(utf8ToBytes('OmeChat v2 envelope'))
    .lengthPrefixed(utf8ToBytes(ctx.chat_id))
    .lengthPrefixed(utf8ToBytes(ctx.msg_id))
    .finish();
}
