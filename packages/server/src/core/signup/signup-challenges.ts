import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/scrypt';
import {
  OmeChatError,
  POW_ALGORITHM,
  type SignupChallengeResponse,
  type SignupProof,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { NetworkState } from '../../ports/network-state.js';
import { maxCounterOf, type PowPolicy } from './pow-policy.js';
import type { SignupDifficulty } from './signup-difficulty.js';

/**
 * Sign-up challenges (MLBS re-entry layer): altcha v2 scrypt challenges in deterministic mode. The
 * server picks a secret counter below the level's bound and signs the key it derives, so the client
 * has to search for it while the server verifies with two HMACs. A challenge is bound to the
 * caller's network hash (a tag in its signed data), expires after `challengeTtlMs`, and is
 * single-use: spent challenges are remembered in `NetworkState` until they expire (altcha itself
 * is stateless). Both HMAC keys live in RAM only; a restart voids outstanding challenges.
 */
export class SignupChallenges {
  private readonly signatureKey = randomBytes(32).toString('hex');
  private readonly keySignatureKey = randomBytes(32).toString('hex');
  private readonly tagKey = randomBytes(32);

  constructor(
    private readonly deps: {
      clock: Clock;
      state: NetworkState;
      difficulty: SignupDifficulty;
      policy: PowPolicy;
    },
  ) {}

  /** A challenge at this network's current level (level 0: none is needed). */
  async issue(networkHash: string): Promise<SignupChallengeResponse> {
    const { policy, clock } = this.deps;
    const level = await this.deps.difficulty.level(networkHash);
    const max = maxCounterOf(level, policy);
    const expiresAt = Math.ceil((clock.now() + policy.challengeTtlMs) / 1000);
    if (level === 0) return { level, max_counter: 0, expires_at: expiresAt * 1000, challenge: null };
    const challenge = await createChallenge({
      algorithm: POW_ALGORITHM,
      cost: policy.scryptCost,
      memoryCost: policy.scryptBlockSize,
      parallelism: 1,
      counter: randomInt(0, max),
      deriveKey,
      expiresAt,
      data: { level, net: this.tag(networkHash) },
      hmacSignatureSecret: this.signatureKey,
      hmacKeySignatureSecret: this.keySignatureKey,
    });
    return {
      level,
      max_counter: max,
      expires_at: expiresAt * 1000,
      challenge: challenge as SignupChallengeResponse['challenge'],
    };
  }

  /**
   * Accepts a sign-up from this network: with a proof, it must be this server's challenge for this
   * network, unexpired, solved and unused (it is spent now); without one, only while the level is 0.
   */
  async admit(proof: SignupProof | undefined, networkHash: string): Promise<void> {
    if (!proof) {
      if ((await this.deps.difficulty.level(networkHash)) > 0) throw new OmeChatError('PROOF_REQUIRED');
      return;
    }
    const { parameters } = proof.challenge;
    if (parameters.data?.net !== this.tag(networkHash)) throw new OmeChatError('PROOF_INVALID');
    if (parameters.expiresAt * 1000 <= this.deps.clock.now()) throw new OmeChatError('PROOF_EXPIRED');
    const result = await verifySolution({
      challenge: proof.challenge,
      solution: proof.solution,
      deriveKey,
      hmacSignatureSecret: this.signatureKey,
      hmacKeySignatureSecret: this.keySignatureKey,
    });
    if (!result.verified) throw new OmeChatError(result.expired ? 'PROOF_EXPIRED' : 'PROOF_INVALID');
    if (!(await this.deps.state.spendChallenge(proof.challenge.signature, parameters.expiresAt * 1000)))
      throw new OmeChatError('PROOF_REUSED');
  }

  /** Binds a challenge to a network without putting the network hash itself in it. */
  private tag(networkHash: string): string {
    return createHash('sha256').update(this.tagKey).update(networkHash).digest('hex').slice(0, 32);
  }
}
