import { OmeChatError, type ClientFrameOf } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { NewEnvelope } from '../../ports/store.js';
import type { Principal } from '../accounts/account-service.js';
import type { ClientDirectory } from '../accounts/client-directory.js';
import type { ChatService } from '../chats/chat-service.js';
import type { FrankingTagger } from './franking-tagger.js';

/** Who a send in a chat may reach: the partner, and the client that may receive, by owner. */
export interface SendRoute {
  partner: string;
  /** Every client of the partner and every other client of the sender -> its user. */
  owner: Map<string, string>;
}

/** A checked and stamped send: the envelopes to deliver and the clients it did not cover. */
export interface RoutedSend {
  ts: number;
  envelopes: { envelope: NewEnvelope; toPartner: boolean }[];
  missing_clients: string[];
}

export interface EnvelopeRouterDeps {
  chats: Pick<ChatService, 'memberIfCached' | 'requireMember'>;
  directory: Pick<ClientDirectory, 'peek' | 'clientsOf'>;
  tagger: Pick<FrankingTagger, 'tag' | 'kid'>;
  clock: Clock;
  envelopeTtlMs: number;
}

/**
 * Checks a message.send against the chat and the device lists (the sender is a member, every
 * envelope goes to a distinct client of the partner or of the sender's other devices) and stamps
 * each envelope with the authenticated sender, the server time and the franking tag.
 */
export class EnvelopeRouter {
  private lastTs = 0;

  constructor(private readonly deps: EnvelopeRouterDeps) {}

  /**
   * The route of a send in `chat_id`: synchronous when chat, ages and device lists are cached (the
   * usual case, keeping the relay's hot path free of awaits); NOT_IN_CHAT for a non-member.
   */
  route(principal: Principal, chat_id: string): SendRoute | Promise<SendRoute> {
    const { chats, directory } = this.deps;
    const member = chats.memberIfCached(chat_id, principal.user_hash);
    const partnerClients = member && directory.peek(member.partner);
    const ownClients = member && directory.peek(principal.user_hash);
    if (member && partnerClients && ownClients)
      return routeOf(principal, member.partner, partnerClients, ownClients);
    return this.load(principal, chat_id);
  }

  /** Validates the envelopes against the route and stamps them. */
  stamp(principal: Principal, frame: ClientFrameOf<'message.send'>, route: SendRoute): RoutedSend {
    const { owner, partner } = route;
    const seen = new Set<string>();
    for (const e of frame.envelopes) {
      if (!owner.has(e.to_client))
        throw new OmeChatError('NOT_IN_CHAT', {
          message: 'An envelope is addressed to a client outside this chat.',
        });
      if (seen.has(e.to_client))
        throw new OmeChatError('INVALID_INPUT', { message: 'Two envelopes for the same client.' });
      seen.add(e.to_client);
    }

    // Strictly increasing on this node, so clients can order a chat by `ts` alone.
    const ts = (this.lastTs = Math.max(this.deps.clock.now(), this.lastTs + 1));
    const rfByUser = new Map<string, string>();
    const envelopes: RoutedSend['envelopes'] = [];
    for (const e of frame.envelopes) {
      const recipientUser = owner.get(e.to_client)!;
      let rf = rfByUser.get(recipientUser);
      if (!rf) {
        rf = this.deps.tagger.tag(frame.cf, principal.user_hash, recipientUser, frame.msg_id, ts);
        rfByUser.set(recipientUser, rf);
      }
      envelopes.push({
        envelope: {
          recipient_client: e.to_client,
          from_user: principal.user_hash, // from the authenticated connection, never the frame
          from_client: principal.client_hash,
          chat_id: frame.chat_id,
          msg_id: frame.msg_id,
          ts,
          ciphertext: e.ciphertext,
          cf: frame.cf,
          rf,
          kid: this.deps.tagger.kid,
          expires_at: ts + this.deps.envelopeTtlMs,
        },
        toPartner: recipientUser === partner,
      });
    }
    const missing_clients = [...owner.keys()].filter((c) => !seen.has(c));
    return { ts, envelopes, missing_clients };
  }

  private async load(principal: Principal, chat_id: string): Promise<SendRoute> {
    const { chats, directory } = this.deps;
    const member =
      chats.memberIfCached(chat_id, principal.user_hash) ??
      (await chats.requireMember(chat_id, principal.user_hash));
    const partnerClients = directory.peek(member.partner) ?? (await directory.clientsOf(member.partner));
    const ownClients =
      directory.peek(principal.user_hash) ?? (await directory.clientsOf(principal.user_hash));
    return routeOf(principal, member.partner, partnerClients, ownClients);
  }
}

function routeOf(
  principal: Principal,
  partner: string,
  partnerClients: Iterable<string>,
  ownClients: Iterable<string>,
): SendRoute {
  const owner = new Map<string, string>();
  for (const c of partnerClients) owner.set(c, partner);
  for (const c of ownClients) if (c !== principal.client_hash) owner.set(c, principal.user_hash);
  return { partner, owner };
}
