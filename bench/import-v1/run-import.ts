// Child of import-v1-bench.ts: one `omechat import-v1` run, then its peak RSS and time as JSON.
import { availableParallelism } from 'node:os';
import { Argon2SecretHasher, runImportV1 } from '@omechat/server';

const [users, clients, dataDir, cost] = process.argv.slice(2) as [string, string, string, string];
// The server has no setting below the OWASP floor (ARGON2_MEMORY_KIB >= 19456): the bench injects a
// cheap hasher, as setup/seed-idle-clients.ts does, unless run with `owasp`.
const hasher =
  cost === 'owasp'
    ? undefined
    : new Argon2SecretHasher({ memoryCost: 64, timeCost: 1, parallelism: 1 }, availableParallelism());
const err: string[] = [];
const t0 = performance.now();
const code = await runImportV1(
  ['--users', users, '--clients', clients],
  { out: (t) => process.stdout.write(t.startsWith('skipped') ? '' : t), err: (t) => err.push(t) },
  { DATA_DIR: dataDir },
  { tty: false, progressIntervalMs: 10_000, ...(hasher ? { hasher } : {}) },
);
process.stdout.write(
  `${JSON.stringify({
    code,
    ms: Math.round(performance.now() - t0),
    // CPU time as well: on a shared machine the wall time says more about the neighbours.
    cpuMs: Math.round((process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    progressLines: err.length,
  })}\n`,
);
