import { SignupChallenges } from '../src/core/signup/signup-challenges.js';
import { SignupDifficulty } from '../src/core/signup/signup-difficulty.js';
import { DEFAULT_POW_POLICY, maxCounterOf } from '../src/core/signup/pow-policy.js';
import { MemoryNetworkState } from '../src/limits/memory-network-state.js';
import { MemorySharedKeys } from '../src/limits/memory-shared-keys.js';
import { systemClock } from '../src/ports/clock.js';

export { DEFAULT_POW_POLICY, maxCounterOf };

/**
 * The server's own sign-up challenger pinned at one level (production scrypt parameters), for the
 * proof-of-work bench (bench/scenarios/signup-pow-scenario.ts): issuing and verifying are measured
 * on the real code, without a server around it.
 */
export function challengerAt(level: number): SignupChallenges {
  const policy = { ...DEFAULT_POW_POLICY, minLevel: level, maxLevel: level };
  const state = new MemoryNetworkState(systemClock);
  return new SignupChallenges({
    clock: systemClock,
    state,
    keys: new MemorySharedKeys(systemClock),
    policy,
    difficulty: new SignupDifficulty(state, policy),
  });
}
