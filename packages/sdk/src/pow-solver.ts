import {
  OmeChatError,
  PowSolutionSchema,
  type PowSolution,
  type SignupChallengeResponse,
  type SignupProof,
} from '@omechat/protocol';
import { nobleScryptKey } from './noble-scrypt-key.js';
import { searchPowCounter, type PowProgress } from './pow-search.js';

export type { PowProgress };

/** Solves a sign-up challenge somewhere (a Web Worker, a worker thread, this thread). */
export type PowSolver = (
  c: SignupChallengeResponse & { challenge: NonNullable<SignupChallengeResponse['challenge']> },
  onProgress?: (p: PowProgress) => void,
) => Promise<SignupProof>;

/** Messages a solver worker sends back (checked: a worker's output is input too). */
export type PowWorkerMessage =
  | { type: 'progress'; tried: number; max: number }
  | { type: 'done'; solution: PowSolution }
  | { type: 'error'; message: string };

/** Turns a worker's messages into progress calls and one result. */
export function onPowWorkerMessage(
  m: PowWorkerMessage,
  c: Parameters<PowSolver>[0],
  onProgress: ((p: PowProgress) => void) | undefined,
  settle: (r: SignupProof | Error) => void,
): void {
  if (m.type === 'progress') onProgress?.({ tried: m.tried, max: m.max });
  else if (m.type === 'done') {
    const solution = PowSolutionSchema.safeParse(m.solution);
    settle(
      solution.success ? { challenge: c.challenge, solution: solution.data } : new Error('bad solution'),
    );
  } else settle(new Error(m.message));
}

/**
 * In a browser: a module Web Worker, so the page stays responsive. The URL names the built `.js`,
 * which sits beside this file in dist/; Vite, bundling from the sources, resolves it to the `.ts`.
 */
export const webWorkerSolver: PowSolver = (c, onProgress) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow-web-worker.js', import.meta.url), { type: 'module' });
    const settle = (r: SignupProof | Error) => {
      worker.terminate();
      if (r instanceof Error)
        reject(new OmeChatError('INTERNAL', { message: `Solving failed: ${r.message}` }));
      else resolve(r);
    };
    worker.onmessage = (e: MessageEvent<PowWorkerMessage>) =>
      onPowWorkerMessage(e.data, c, onProgress, settle);
    worker.onerror = (e) => settle(new Error(e.message || 'worker failed'));
    worker.postMessage({ challenge: c.challenge, maxCounter: c.max_counter });
  });

/** Anywhere, on the calling thread (pure JS scrypt): the fallback when no worker is available. */
export const thisThreadSolver: PowSolver = async (c, onProgress) => ({
  challenge: c.challenge,
  solution: await searchPowCounter(c.challenge, c.max_counter, nobleScryptKey, {
    ...(onProgress ? { onProgress } : {}),
  }),
});

/** A Web Worker in browsers, otherwise this thread (Node callers pass `workerThreadSolver` from `@omechat/sdk/node`). */
export function defaultPowSolver(): PowSolver {
  return typeof window !== 'undefined' && typeof Worker !== 'undefined' ? webWorkerSolver : thisThreadSolver;
}
