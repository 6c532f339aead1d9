import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowProgress } from '../src/pow-solver.js';
import { thisThreadSolver } from '../src/pow-solver.js';
import { OmeChatClient } from '../src/omechat-client.js';
import { workerThreadSolver } from '../src/node/worker-thread-solver.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { rejection } from './rejection.js';

// Sign-up under raised difficulty through the SDK: the challenge is solved in a worker thread (and
// on this thread with the browser's pure-JS scrypt), with progress, and accepted by the server.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ POW_MIN_LEVEL: '4', POW_SCRYPT_COST: '64' });
});
afterAll(async () => {
  await server.destroy();
});

describe('sign-up proof of work in the SDK', () => {
  it('solves in a worker thread with progress events and signs up', async () => {
    const progress: PowProgress[] = [];
    let asked: { level: number; max: number } | undefined;
    const acc = await OmeChatClient.createAccount(
      server.url,
      { username: 'sdk_pow_worker', age: 30 },
      { solver: workerThreadSolver, onProgress: (p) => progress.push(p), onChallenge: (c) => (asked = c) },
    );
    expect(acc.username).toBe('sdk_pow_worker');
    expect(asked).toEqual({ level: 4, max: 8 * 8 });
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    expect(last.max).toBe(64);
    expect(last.tried).toBeGreaterThanOrEqual(1);
    expect(last.tried).toBeLessThanOrEqual(64);
  });

  it('solves on this thread with pure-JS scrypt (what the browser worker runs) and the server accepts it', async () => {
    const acc = await OmeChatClient.createAccount(
      server.url,
      { username: 'sdk_pow_js', age: 30 },
      { solver: thisThreadSolver },
    );
    expect(acc.username).toBe('sdk_pow_js');
  });

  it('a solver that cheats gets the typed refusal', async () => {
    const err = await rejection(
      OmeChatClient.createAccount(
        server.url,
        { username: 'sdk_pow_cheat', age: 30 },
        {
          solver: async (c) => ({
            challenge: c.challenge,
            solution: { counter: 0, derivedKey: '00'.repeat(32) },
          }),
        },
      ),
    );
    expect(err.code).toBe('PROOF_INVALID');
  });
});
