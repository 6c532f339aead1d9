// Child process of Argon2ProcessPool (plain JS so it runs without a TypeScript loader, from src/ or
// dist/). One job at a time, synchronously: this process does nothing else, and its OS priority is
// lowered by the parent so a hash never takes CPU the relay's event loop wants.
import { hashSync, verifySync } from '@node-rs/argon2';

// Algorithm.Argon2id (an ambient const enum upstream).
const ARGON2ID = 2;

process.on('message', (job) => {
  let result;
  try {
    result =
      job.op === 'hash'
        ? hashSync(job.secret, { algorithm: ARGON2ID, ...job.params })
        : verifySync(job.phc, job.secret);
  } catch {
    // A malformed stored hash never authenticates; a failed hash is reported as such.
    result = job.op === 'hash' ? null : false;
  }
  process.send({ id: job.id, result });
});
// The pool is gone (server closed or crashed): nothing left to do.
process.on('disconnect', () => process.exit(0));
