import type { ChatService } from '../chats/chat-service.js';
import type { MatchService } from '../matching/match-service.js';
import type { ClusterHub } from './cluster-hub.js';

/**
 * Presence, told only to chat partners: "online" when a user's first client on a node connects,
 * "offline" only once no node holds a client of the user. A user whose last client on this node
 * left also leaves the queue entry this node made. Returns the unsubscribe function.
 */
export function watchPartnerPresence(deps: {
  cluster: ClusterHub;
  chats: Pick<ChatService, 'partnersOf'>;
  matches: Pick<MatchService, 'userOffline'>;
  onError: (what: string, err: Error) => void;
}): () => void {
  const { cluster, chats, matches, onError } = deps;
  const notify = (user_hash: string, online: boolean) => {
    (online ? Promise.resolve(false) : cluster.isOnline(user_hash))
      .then(async (elsewhere) => {
        if (elsewhere) return;
        for (const { chat_id, partner } of await chats.partnersOf(user_hash))
          cluster.sendToUser(partner, { type: 'presence', chat_id, user_hash, online });
      })
      .catch((e: Error) => onError('presence notice failed', e));
  };
  const subscriptions = [
    cluster.hub.events.on('userOnline', ({ user_hash }) => notify(user_hash, true)),
    cluster.hub.events.on('userOffline', ({ user_hash }) => {
      matches
        .userOffline(user_hash, { joinedHere: true })
        .catch((e: Error) => onError('queue leave failed', e));
      notify(user_hash, false);
    }),
  ];
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}
