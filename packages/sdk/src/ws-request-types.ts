import type { ClientFrameSchema, ServerFrameOf, ServerFrameType } from '@omechat/protocol';

/** Client frames as callers write them: fields with schema defaults may be left out. */
type ClientFrameInput = (typeof ClientFrameSchema)['_zod']['input'];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A frame for `WsConnection.request`: any client frame but `auth`; the connection assigns `ref`. */
export type WsRequestFrame = DistributiveOmit<Exclude<ClientFrameInput, { type: 'auth' }>, 'ref'>;
export type WsRequestType = WsRequestFrame['type'];
/** A frame for `WsConnection.send` (fire and forget); a `ref` is optional. */
export type WsSendFrame = Exclude<ClientFrameInput, { type: 'auth' }>;

type Check<T extends Record<WsRequestType, ServerFrameType>> = T;
/** Which frame the server answers each request with (errors come as `error` frames and reject). */
type ReplyTypes = Check<{
  'prekeys.upload': 'prekeys.ok';
  'bundles.fetch': 'bundles';
  'message.send': 'message.ack';
  'envelope.ack': 'ok';
  typing: 'ok';
  read: 'ok';
  'chats.list': 'chats';
  'chat.leave': 'ok';
  'match.join': 'match.waiting' | 'ok';
  'match.cancel': 'match.cancelled';
  'match.next': 'match.waiting' | 'ok';
  browse: 'browse.result';
  invite: 'invite.sent';
  'invite.answer': 'ok';
  block: 'ok';
  availability: 'ok';
}>;

/** The reply frame to a request of type `T`. */
export type ReplyOf<T extends WsRequestType> = ServerFrameOf<ReplyTypes[T]>;
