import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { expect, test } from 'vitest';

// The package must run unchanged in the browser: bundle it for the browser and fail on any
// Node built-in, whether imported directly or through a dependency.
test('bundles for the browser without Node built-ins', async () => {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const needed: string[] = [];
  const noNode: Plugin = {
    name: 'no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (builtins.has(args.path) || args.path.startsWith('node:'))
          needed.push(`${args.path} from ${args.importer}`);
        return undefined;
      });
    },
  };
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [noNode],
  });
  expect(needed).toEqual([]);
  expect(result.errors).toEqual([]);
  expect(result.outputFiles[0]!.text.length).toBeGreaterThan(1000);
}, 60_000);
