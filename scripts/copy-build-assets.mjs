// Part of `npm run build`: tsc emits only JavaScript, so the files the built code reads beside
// itself (SQL migrations, the plain-JS worker entries) are copied from src/ to dist/.
import { cpSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASSET = /\.(sql|mjs)$/;

for (const pkg of ['protocol', 'crypto', 'sdk', 'server', 'test-kit']) {
  const src = join(root, 'packages', pkg, 'src');
  const dist = join(root, 'packages', pkg, 'dist');
  if (!existsSync(dist))
    throw new Error(`packages/${pkg}/dist is missing: run tsc -b tsconfig.build.json first`);
  cpSync(src, dist, { recursive: true, filter: (from) => statSync(from).isDirectory() || ASSET.test(from) });
}
