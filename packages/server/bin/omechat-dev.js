#!/usr/bin/env node
// Development and tests: runs the TypeScript sources through tsx (a devDependency, not installed
// in production), resolving the @omechat/* packages to their src/ (the "source" export condition).
import { register } from 'node:module';

register('./source-condition-hook.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
await import('../src/cli/omechat-entry.ts');
