import type { AccountService } from './core/accounts/account-service.js';
import type { NetworkHasher } from './core/network-hasher.js';

/** The core services the adapters (HTTP, WebSocket, CLI) are handed by the composition root. */
export interface Services {
  accounts: AccountService;
  networkHasher: NetworkHasher;
}
