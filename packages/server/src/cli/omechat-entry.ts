import { availableParallelism } from 'node:os';

// The `omechat` command's process entry (bin/omechat.js runs its built form, bin/omechat-dev.js
// its source). argon2 of the v1 import runs on libuv's thread pool (4 threads unless told, fixed at
// its first use): the import hashes on every core, so it sizes the pool before anything can use it.
if (process.argv[2] === 'import-v1' && !process.env.UV_THREADPOOL_SIZE)
  process.env.UV_THREADPOOL_SIZE = String(Math.max(4, availableParallelism()));

const { runCli } = await import('./omechat-cli.js');
process.exitCode = await runCli(process.argv.slice(2));
