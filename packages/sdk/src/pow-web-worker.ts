import type { PowChallenge } from '@omechat/protocol';
import { nobleScryptKey } from './noble-scrypt-key.js';
import { searchPowCounter } from './pow-search.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<{ challenge: PowChallenge; maxCounter: number }>) => void) | null;
  postMessage(message: unknown): void;
}
const scope = self as unknown as WorkerScope;

/** Web Worker entry: solves one sign-up challenge off the page's main thread, reporting progress. */
scope.onmessage = (e) => {
  const { challenge, maxCounter } = e.data;
  searchPowCounter(challenge, maxCounter, nobleScryptKey, {
    onProgress: (p) => scope.postMessage({ type: 'progress', ...p }),
  }).then(
    (solution) => scope.postMessage({ type: 'done', solution }),
    (err: Error) => scope.postMessage({ type: 'error', message: err.message }),
  );
};
