#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so the server needs no build step.
import { availableParallelism } from 'node:os';
import { register } from 'tsx/esm/api';

// argon2 runs on libuv's thread pool (4 threads unless told, fixed at its first use): the v1
// import hashes on every core, so it sizes the pool before anything can use it.
if (process.argv[2] === 'import-v1' && !process.env.UV_THREADPOOL_SIZE)
  process.env.UV_THREADPOOL_SIZE = String(Math.max(4, availableParallelism()));

register();
const { runCli } = await import('../src/cli/omechat-cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
