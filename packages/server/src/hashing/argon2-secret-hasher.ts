import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 (an ambient const enum, which isolated modules cannot read).
const ARGON2ID = 2;
import type { SecretHasher } from '../ports/secret-hasher.js';
import { Semaphore } from '../util/semaphore.js';

/** OWASP's argon2id recommendation (m=19 MiB, t=2, p=1) as the floor; config may raise it. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export class Argon2SecretHasher implements SecretHasher {
  private readonly gate: Semaphore;

  constructor(
    private readonly params: Argon2Params = OWASP_ARGON2ID,
    concurrency = 2,
  ) {
    this.gate = new Semaphore(concurrency);
  }

  hash(secret: string): Promise<string> {
    return this.gate.run(() => hash(secret, { algorithm: ARGON2ID, ...this.params }));
  }

  verify(phc: string, secret: string): Promise<boolean> {
    return this.gate.run(async () => {
      try {
        return await verify(phc, secret);
      } catch {
        return false; // a malformed stored hash must never authenticate
      }
    });
  }
}
