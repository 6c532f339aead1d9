import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { V1Importer } from '../core/v1-import/v1-importer.js';
import type { ImportPhase } from '../core/v1-import/import-tally.js';
import { Argon2SecretHasher } from '../hashing/argon2-secret-hasher.js';
import { openStore } from '../open-store.js';
import { systemClock } from '../ports/clock.js';
import type { SecretHasher } from '../ports/secret-hasher.js';
import type { Store } from '../ports/store.js';
import type { CliIo } from './admin-cli.js';
import { ImportProgress } from './import-progress.js';
import { formatSummary } from './import-summary.js';
import { readV1Entries, type V1EntrySource } from './read-v1-entries.js';

export const IMPORT_V1_USAGE = `Usage: omechat import-v1 --users user.json --clients client.json [--dry-run]

Imports the accounts and clients of the original OmeChat server (v1) into the database named by
the server's configuration (DATA_DIR or DATABASE_URL, docs/operations.md). Secrets are stored
as argon2id hashes and access tokens as SHA-256, never in plaintext; the accounts must change
their secret at their next sign-in. Entries already imported are left alone, so it can run again.

  --users FILE     the v1 user.json
  --clients FILE   the v1 client.json
  --dry-run        check everything and report, write nothing
`;

export interface ImportV1Options {
  /** Tests and benchmarks: another store (a PostgreSQL schema) or a cheaper hasher. */
  openStore?: (config: Config) => Promise<Store>;
  hasher?: SecretHasher;
  tty?: boolean;
  progressIntervalMs?: number;
  batchSize?: number;
}

/** `omechat import-v1`: exit code 0 done, 1 a file could not be read to its end, 2 usage or configuration. */
export async function runImportV1(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
  opts: ImportV1Options = {},
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        users: { type: 'string' },
        clients: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    io.err(`omechat import-v1: ${(e as Error).message}\n\n${IMPORT_V1_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(IMPORT_V1_USAGE);
    return 0;
  }
  const files = { users: values.users, clients: values.clients };
  for (const [name, path] of Object.entries(files)) {
    if (!path) {
      io.err(`omechat import-v1: --${name} is required\n\n${IMPORT_V1_USAGE}`);
      return 2;
    }
    if (!isReadableFile(path)) {
      io.err(`omechat import-v1: --${name}: no readable file at ${path}\n`);
      return 2;
    }
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`${e.message}\n`);
    return 2;
  }
  const store = await (opts.openStore ?? openStore)(config);
  const sources: Partial<Record<ImportPhase, V1EntrySource>> = {};
  const progress = new ImportProgress(io, {
    tty: opts.tty ?? process.stderr.isTTY === true,
    now: () => systemClock.now(),
    intervalMs: opts.progressIntervalMs,
    fraction: (phase) => {
      const s = sources[phase];
      return s && s.size > 0 ? s.bytesRead() / s.size : 0;
    },
  });
  const importer = new V1Importer({
    store: store.v1Import,
    // Bounded parallelism over every core: each argon2id run holds ARGON2_MEMORY_KIB.
    hasher:
      opts.hasher ??
      new Argon2SecretHasher(
        { memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: 1 },
        availableParallelism(),
      ),
    clock: systemClock,
    observer: progress,
    dryRun: values['dry-run'] === true,
    // Leave room for one sign-in on the new server (the legacy sign-in that rotates the secret).
    maxClientsPerUser: Math.max(0, config.DEVICES_PER_ACCOUNT - 1),
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
  });
  let phase: ImportPhase = 'users';
  try {
    for (phase of ['users', 'clients'] as const) {
      const source = (sources[phase] = readV1Entries(files[phase]!));
      await (phase === 'users'
        ? importer.importUsers(source.entries)
        : importer.importClients(source.entries));
      progress.finish(phase, importer.summary()[phase]);
    }
    io.out(formatSummary(importer.summary()));
    return 0;
  } catch (e) {
    const read = importer.summary()[phase].read;
    io.err(
      `\nomechat import-v1: ${files[phase]}: ${safeMessage(e)} after ${read} entries. ` +
        'What was imported before stays; run again once the file is fixed (imported entries are skipped).\n',
    );
    io.out(formatSummary(importer.summary()));
    return 1;
  } finally {
    await store.close();
  }
}

function isReadableFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** File and JSON syntax errors have fixed texts; a database error's text may quote a value, so only its code. */
function safeMessage(e: unknown): string {
  const err = e as { message?: unknown; code?: unknown };
  const message = typeof err.message === 'string' ? err.message : '';
  if (/^(Parser |Top-level )/.test(message)) return `not a v1 JSON object (${message})`;
  if (typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) return `cannot read (${err.code})`;
  return `stopped by an error (${typeof err.code === 'string' ? err.code : 'unknown'})`;
}
