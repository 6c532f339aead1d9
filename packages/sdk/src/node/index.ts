export { FileKeyStore } from './file-key-store.js';
export { workerThreadSolver } from './worker-thread-solver.js';
