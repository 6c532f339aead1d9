import type { SignupProof } from '@omechat/protocol';
import type { NetworkState } from '../../ports/network-state.js';
import type { SignupChallenges } from '../signup/signup-challenges.js';
import type { SignupDifficulty } from '../signup/signup-difficulty.js';
import type { NetworkBans } from './network-bans.js';
import type { NetworkThrottle } from './network-throttle.js';

/** How long the server remembers which network an account last used (RAM only; for network bans). */
const REMEMBER_NETWORK_MS = 24 * 3_600_000;

/**
 * The re-entry and network layers as sign-up and sign-in meet them: a banned network is refused,
 * a sign-up needs a solved challenge when the difficulty is above 0, and every sign-up raises the
 * difficulty for the network it came from. The network an account last used is remembered in RAM
 * for a day, so a moderator can ban it from a report.
 */
export class NetworkGate {
  constructor(
    private readonly deps: {
      state: NetworkState;
      bans: NetworkBans;
      throttle: NetworkThrottle;
      challenges: SignupChallenges;
      difficulty: SignupDifficulty;
    },
  ) {}

  get challenges(): SignupChallenges {
    return this.deps.challenges;
  }

  async issueChallenge(networkHash: string) {
    await this.deps.bans.assertAllowed(networkHash);
    await this.deps.throttle.admit('challenge', networkHash);
    return this.deps.challenges.issue(networkHash);
  }

  async admitSignup(proof: SignupProof | undefined, networkHash: string): Promise<void> {
    await this.deps.bans.assertAllowed(networkHash);
    await this.deps.challenges.admit(proof, networkHash);
  }

  async signedUp(user_hash: string, networkHash: string): Promise<void> {
    await this.deps.difficulty.recordSignup(networkHash);
    await this.deps.state.rememberNetwork(user_hash, networkHash, REMEMBER_NETWORK_MS);
  }

  async admitSignIn(networkHash: string): Promise<void> {
    await this.deps.bans.assertAllowed(networkHash);
  }

  async signedIn(user_hash: string, networkHash: string): Promise<void> {
    await this.deps.state.rememberNetwork(user_hash, networkHash, REMEMBER_NETWORK_MS);
  }

  async admitReport(networkHash: string): Promise<void> {
    await this.deps.bans.assertAllowed(networkHash);
    await this.deps.throttle.admit('report', networkHash);
  }

  /** An account was banned: sign-ups from the network it last used cost more for a while. */
  async accountBanned(user_hash: string): Promise<void> {
    const network = await this.deps.state.networkOf(user_hash);
    if (network) await this.deps.difficulty.recordBan(network);
  }
}
