import type { NetworkState } from '../../ports/network-state.js';
import type { PowPolicy } from './pow-policy.js';

const GLOBAL = 'pow:signup:global';
const net = (h: string) => `pow:signup:net:${h}`;
const bans = (h: string) => `pow:ban:net:${h}`;

/**
 * Adaptive sign-up difficulty, in the spirit of Tor's onion-service PoW defence: every sign-up and
 * every ban adds to exponentially decaying scores, so work rises at once under load and falls back
 * by itself when it gets quiet. Each level doubles the expected work:
 *
 *   level = min + log2(1 + network sign-ups / step) + bans × levelsPerBan + log2(1 + all sign-ups / step)
 *
 * (both logs floored), clamped to [min, max]. Scores are keyed by the network hash and kept only in
 * `NetworkState` (RAM).
 */
export class SignupDifficulty {
  constructor(
    private readonly state: NetworkState,
    private readonly policy: PowPolicy,
  ) {}

  async level(networkHash: string): Promise<number> {
    const p = this.policy;
    const local = await this.state.score(net(networkHash), p.signupHalfLifeMs);
    const global = await this.state.score(GLOBAL, p.signupHalfLifeMs);
    const banned = await this.state.score(bans(networkHash), p.banHalfLifeMs);
    const level =
      p.minLevel +
      Math.floor(Math.log2(1 + local / p.networkSignupsPerStep)) +
      Math.round(banned * p.levelsPerBan) +
      Math.floor(Math.log2(1 + global / p.globalSignupsPerStep));
    return Math.max(p.minLevel, Math.min(p.maxLevel, level));
  }

  async recordSignup(networkHash: string): Promise<void> {
    await this.state.bump(net(networkHash), 1, this.policy.signupHalfLifeMs);
    await this.state.bump(GLOBAL, 1, this.policy.signupHalfLifeMs);
  }

  /** An account made (or last used) from this network was banned: its next sign-ups cost more. */
  async recordBan(networkHash: string): Promise<void> {
    await this.state.bump(bans(networkHash), 1, this.policy.banHalfLifeMs);
  }
}
