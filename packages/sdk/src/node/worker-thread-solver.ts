import { Worker } from 'node:worker_threads';
import { OmeChatError, type SignupProof } from '@omechat/protocol';
import { onPowWorkerMessage, type PowSolver, type PowWorkerMessage } from '../pow-solver.js';

/** In Node: a worker thread with native scrypt (node:crypto), so the event loop stays free. */
export const workerThreadSolver: PowSolver = (c, onProgress) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow-worker-thread.mjs', import.meta.url), {
      workerData: { challenge: c.challenge, maxCounter: c.max_counter },
    });
    let done = false;
    const settle = (r: SignupProof | Error) => {
      if (done) return;
      done = true;
      void worker.terminate();
      if (r instanceof Error)
        reject(new OmeChatError('INTERNAL', { message: `Solving failed: ${r.message}` }));
      else resolve(r);
    };
    worker.on('message', (m: PowWorkerMessage) => onPowWorkerMessage(m, c, onProgress, settle));
    worker.on('error', (e) => settle(e));
    worker.on('exit', () => settle(new Error('worker exited without a solution')));
  });
