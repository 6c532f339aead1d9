import type { ClientFrame, ServerFrame } from '@omechat/protocol';
import type { Principal } from '../core/accounts/account-service.js';
import type { Services } from '../services.js';

/**
 * A reply that comes later, while the connection goes on with its next frames: a `message.ack`
 * waits for the recipient devices (docs/protocol.md "Delivery guarantees").
 */
export interface LaterReply {
  later: Promise<ServerFrame>;
}

/** Routes one parsed frame of an authenticated connection to the core; returns the reply, if any. */
export async function dispatchFrame(
  s: Services,
  who: Principal,
  frame: ClientFrame,
): Promise<ServerFrame | LaterReply | null> {
  switch (frame.type) {
    case 'auth':
      // Handled by the connection before dispatch; a second one is an error there.
      return null;
    case 'prekeys.upload':
      return s.prekeys.upload(who, frame);
    case 'bundles.fetch':
      return s.prekeys.fetch(who, frame);
    case 'message.send':
      return { later: (await s.relay.submit(who, frame)).ack };
    case 'envelope.ack':
      await s.relay.ack(who, frame.ids);
      return frame.ref ? { type: 'ok', ref: frame.ref } : null;
    case 'typing':
      await s.chats.typing(who, frame.chat_id, frame.typing);
      return frame.ref ? { type: 'ok', ref: frame.ref } : null;
    case 'read':
      await s.chats.read(who, frame.chat_id, frame.msg_id);
      return frame.ref ? { type: 'ok', ref: frame.ref } : null;
    case 'chats.list':
      return { type: 'chats', ref: frame.ref, chats: await s.chats.list(who.user_hash) };
    case 'chat.leave':
      return s.matches.leave(who, frame.chat_id, frame.ref);
    case 'match.join':
      return s.matches.join(who, frame.tolerance, frame.ref);
    case 'match.cancel':
      return s.matches.cancel(who, frame.ref);
    case 'match.next':
      return s.matches.next(who, frame);
    case 'browse':
      return s.matches.browse(who, frame);
    case 'invite':
      return s.matches.invite(who, frame);
    case 'invite.answer':
      return s.matches.answer(who, frame);
    case 'block':
      return s.matches.block(who, frame.chat_id, frame.ref);
    case 'availability':
      return s.matches.setAvailability(who, frame);
  }
}
