import { createHmac, randomInt } from 'node:crypto';
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
import type { SharedKeys } from '../../ports/shared-keys.js';
import { maxCounterOf, type PowPolicy } from './pow-policy.js';
import type { SignupDifficulty } from './signup-difficulty.js';

/**
 * Sign-up challenges (MLBS re-entry layer): altcha v2 scrypt challenges in deterministic mode. The
 * server picks a secret counter below the level's bound and signs the key it derives, so the client
 * has to search for it while the server verifies with two HMACs. A challenge is bound to the
 * caller's network hash (a tag in its signed data), expires after `challengeTtlMs`, and is
 * single-use: spent challenges are remembered in `NetworkState` until they expire (altcha itself
 * is stateless). The HMAC keys come from `SharedKeys` (RAM, or Redis memory shared by every node,
 * so any node verifies what another issued); they change every key period, and a challenge names
 * the period it was signed in (signed data `k`), so one issued just before a change still verifies.
 */
export class SignupChallenges {
  constructor(
    private readonly deps: {
      clock: Clock;
      state: NetworkState;
      keys: SharedKeys;
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
    const period = this.period();
    const keys = await this.keysOf(period as number);
    const challenge = await createChallenge({
      algorithm: POW_ALGORITHM,
      cost: policy.scryptCost,
      memoryCost: policy.scryptBlockSize,
      parallelism: 1,
      counter: randomInt(0, max),
      deriveKey,
      expiresAt,
      data: { level, k: period, net: tag(keys.tag, networkHash) },
      hmacSignatureSecret: keys.signature,
      hmacKeySignatureSecret: keys.keySignature,
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
    if (parameters.expiresAt * 1000 <= this.deps.clock.now()) throw new OmeChatError('PROOF_EXPIRED');
    // Only this period's keys or the last one's: a challenge lives less than one period.
    const period = parameters.data?.k;
    const now = this.period();
    if (period !== now && period !== now - 1) throw new OmeChatError('PROOF_INVALID');
    const keys = await this.keysOf(period as number);
    if (parameters.data?.net !== tag(keys.tag, networkHash)) throw new OmeChatError('PROOF_INVALID');
    const result = await verifySolution({
      challenge: proof.challenge,
      solution: proof.solution,
      deriveKey,
      hmacSignatureSecret: keys.signature,
      hmacKeySignatureSecret: keys.keySignature,
    });
    if (!result.verified) throw new OmeChatError(result.expired ? 'PROOF_EXPIRED' : 'PROOF_INVALID');
    if (!(await this.deps.state.spendChallenge(proof.challenge.signature, parameters.expiresAt * 1000)))
      throw new OmeChatError('PROOF_REUSED');
  }

  /** Key periods are at least an hour and never shorter than a challenge's life. */
  private periodMs(): number {
    return Math.max(3_600_000, this.deps.policy.challengeTtlMs);
  }

  private period(): number {
    return Math.floor(this.deps.clock.now() / this.periodMs());
  }

  /** The period's keys; they outlive it by one period, for challenges issued at its very end. */
  private async keysOf(period: number) {
    const ttl = (period + 2) * this.periodMs() - this.deps.clock.now();
    const [signature, keySignature, tagKey] = await Promise.all(
      ['sig', 'keysig', 'tag'].map((n) => this.deps.keys.get(`pow:${n}:${period}`, ttl)),
    );
    return {
      signature: signature!.toString('hex'),
      keySignature: keySignature!.toString('hex'),
      tag: tagKey!,
    };
  }
}

/** Binds a challenge to a network without putting the network hash itself in it. */
function tag(key: Buffer, networkHash: string): string {
  return createHmac('sha256', key).update(networkHash).digest('hex').slice(0, 32);
}
