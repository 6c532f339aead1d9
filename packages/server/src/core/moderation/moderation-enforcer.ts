import { OmeChatError } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { AccountStore, ModerationStore, StrikeRecord } from '../../ports/store.js';
import type { ClientDirectory } from '../accounts/client-directory.js';
import type { ChatService } from '../chats/chat-service.js';
import type { MatchService } from '../matching/match-service.js';
import type { ClusterHub } from '../cluster/cluster-hub.js';
import type { StrikeEnforcer } from './strike-service.js';
import { strikeStatus, strikeView } from './strike-view.js';

/** The relay's per-client state a ban must drop (kept narrow: the relay is being split up). */
export interface RelayCaches {
  /** Forget a revoked client's in-flight envelopes and cached block. */
  forgetClient(client_hash: string): void;
  /** Drop a client's cached message block (envelopes were deleted underneath it). */
  dropBlock(client_hash: string): void;
}

export interface ModerationEnforcerDeps {
  store: AccountStore & { moderation: ModerationStore };
  clock: Clock;
  /** Notices and closes reach the user's sockets on every node. */
  hub: Pick<ClusterHub, 'sendToUser' | 'closeUser'>;
  chats: Pick<ChatService, 'endAllOf'>;
  matches: Pick<MatchService, 'forgetUser' | 'userOffline'>;
  directory: Pick<ClientDirectory, 'invalidate'>;
  relay: RelayCaches;
  appealWindowMs: number;
  /** After a strike was carried out (also a warning, or one lifted meanwhile): difficulty and probation react. */
  onApplied?: (strike: StrikeRecord) => Promise<void>;
}

/**
 * Carries out strikes in a running server. A restriction takes the account out of the queue and
 * browse and ends its chats (partners see the neutral reason `closed`); a ban also deletes the
 * pending envelopes it sent, revokes every client, and closes its sockets with ACCOUNT_BANNED.
 * Strikes written by another process (the `omechat admin` CLI) are picked up by `applyPending`,
 * which the server runs every MODERATION_SWEEP_MS. Every step is idempotent, so a strike applied
 * twice (or after a crash half-way) ends in the same state; it is marked applied only afterwards.
 */
export class ModerationEnforcer implements StrikeEnforcer {
  private readonly applying = new Set<string>();

  constructor(private readonly deps: ModerationEnforcerDeps) {}

  async apply(strike: StrikeRecord): Promise<void> {
    if (this.applying.has(strike.strike_id)) return;
    this.applying.add(strike.strike_id);
    try {
      // A strike lifted or expired before it was applied has nothing left to do.
      if (strikeStatus(strike, this.deps.clock.now()) === 'active') {
        if (strike.kind === 'ban') await this.ban(strike);
        else {
          if (strike.kind === 'restriction') {
            await this.deps.matches.userOffline(strike.user_hash);
            await this.deps.chats.endAllOf(strike.user_hash, 'closed');
          }
          this.deps.hub.sendToUser(strike.user_hash, {
            type: 'moderation.notice',
            strike: this.view(strike),
          });
        }
      }
      await this.deps.onApplied?.(strike);
      await this.deps.store.moderation.markStrikeApplied(strike.strike_id, this.deps.clock.now());
    } finally {
      this.applying.delete(strike.strike_id);
    }
  }

  /** Applies strikes no server has applied yet (written by the CLI, or interrupted by a crash). */
  async applyPending(): Promise<number> {
    const pending = await this.deps.store.moderation.listUnappliedStrikes(100);
    for (const s of pending) await this.apply(s);
    return pending.length;
  }

  private async ban(strike: StrikeRecord): Promise<void> {
    const u = strike.user_hash;
    await this.deps.matches.forgetUser(u);
    await this.deps.chats.endAllOf(u, 'closed');
    for (const c of await this.deps.store.moderation.deleteEnvelopesFrom(u)) this.deps.relay.dropBlock(c);
    // Tokens stop working before the sockets close, so a reconnect cannot slip in between.
    for (const c of await this.deps.store.listClients(u)) {
      await this.deps.store.deleteClient(u, c.client_hash);
      this.deps.relay.forgetClient(c.client_hash);
    }
    this.deps.directory.invalidate(u);
    const error = new OmeChatError('ACCOUNT_BANNED', { sanction: this.view(strike) });
    this.deps.hub.closeUser(u, error);
  }

  private view(strike: StrikeRecord) {
    // A strike is applied when made, before anyone could appeal it.
    return strikeView(strike, null, this.deps.clock.now(), this.deps.appealWindowMs);
  }
}
