#!/usr/bin/env node
// Runs the built server (packages/server/dist, made by `npm run build`). Development runs the
// TypeScript sources through bin/omechat-dev.js instead.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/omechat-entry.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('omechat: the server is not built; run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(entry.href);
