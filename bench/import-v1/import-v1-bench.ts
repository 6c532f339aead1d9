/**
 * `omechat import-v1` at size: generates v1 files of N users (default 100,000, 1-3 clients each),
 * imports them into a fresh SQLite data dir in a child process, and prints that process's peak RSS
 * and time. Run alone (it uses every core): `npx tsx bench/import-v1/import-v1-bench.ts [N] [owasp]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientEntries, userEntry, v1User, V1FileWriter } from '@omechat/test-kit';

const n = Number(process.argv[2] ?? 100_000);
const cost = process.argv[3] ?? 'cheap';
const dir = mkdtempSync(join(tmpdir(), 'omechat-v1-bench-'));
const files = { users: join(dir, 'user.json'), clients: join(dir, 'client.json') };

try {
  const t0 = performance.now();
  const users = new V1FileWriter(files.users);
  const clients = new V1FileWriter(files.clients);
  // One user at a time: the bench never holds the files either.
  for (let i = 0; i < n; i++) {
    const u = v1User(`user ${i}`, 13 + (i % 60), 1 + (i % 3), i % 2 ? 64 : 32);
    users.add(...userEntry(u));
    for (const c of clientEntries(u)) clients.add(...c);
  }
  users.close();
  clients.close();
  const mib = (f: string) => (statSync(f).size / 2 ** 20).toFixed(1);
  console.log(
    `generated ${n} users (${mib(files.users)} MiB) and their clients (${mib(files.clients)} MiB) in ${Math.round(performance.now() - t0)} ms`,
  );
  const child = join(import.meta.dirname, 'run-import.ts');
  const out = execFileSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', child, files.users, files.clients, join(dir, 'data'), cost],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    },
  );
  console.log(out.trim());
  console.log(
    `database: ${mib(join(dir, 'data', 'omechat.db'))} MiB; argon2id cost: ${cost === 'owasp' ? 'OWASP (m=19456 KiB, t=2)' : 'm=64 KiB, t=1 (bench only)'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
