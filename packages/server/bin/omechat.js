#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so the server needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/omechat-cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
