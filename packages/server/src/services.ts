import type { AccountService } from './core/accounts/account-service.js';
import type { ClientDirectory } from './core/accounts/client-directory.js';
import type { ClusterHub } from './core/cluster/cluster-hub.js';
import type { ChatService } from './core/chats/chat-service.js';
import type { MatchService } from './core/matching/match-service.js';
import type { AppealService } from './core/moderation/appeal-service.js';
import type { ModerationService } from './core/moderation/moderation-service.js';
import type { ModeratorService } from './core/moderation/moderator-service.js';
import type { ReportService } from './core/moderation/report-service.js';
import type { StandingService } from './core/moderation/standing-service.js';
import type { NetworkHasher } from './core/network-hasher.js';
import type { Probation } from './core/accounts/probation.js';
import type { NetworkBans } from './core/network/network-bans.js';
import type { NetworkGate } from './core/network/network-gate.js';
import type { PrekeyService } from './core/prekeys/prekey-service.js';
import type { ConnectionHub } from './core/presence/connection-hub.js';
import type { RelayService } from './core/relay/relay-service.js';

/** The core services the adapters (HTTP, WebSocket, CLI) are handed by the composition root. */
export interface Services {
  accounts: AccountService;
  networkHasher: NetworkHasher;
  /** MLBS network and re-entry layers at sign-up, sign-in and reports. */
  network: NetworkGate;
  networkBans: NetworkBans;
  probation: Probation;
  directory: ClientDirectory;
  hub: ConnectionHub;
  /** Frames, closes and presence across nodes (DESIGN §11). */
  cluster: ClusterHub;
  chats: ChatService;
  relay: RelayService;
  prekeys: PrekeyService;
  matches: MatchService;
  reports: ReportService;
  standing: StandingService;
  appeals: AppealService;
  moderation: ModerationService;
  moderators: ModeratorService;
}
