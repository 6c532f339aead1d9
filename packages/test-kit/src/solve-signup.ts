import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/scrypt';
import type { SignupChallengeResponse, SignupProof } from '@omechat/protocol';

/** Test helper: solves a sign-up challenge on this thread (the SDK uses a worker; tests keep it simple). */
export async function solveSignup(c: SignupChallengeResponse): Promise<SignupProof | undefined> {
  if (!c.challenge) return undefined;
  const solution = await solveChallenge({ challenge: c.challenge, deriveKey, timeout: 0 });
  if (!solution) throw new Error('challenge not solved');
  return { challenge: c.challenge, solution };
}
