import { verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runImportV1 } from '../src/cli/import-v1-cli.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { captureIo, v1Scenario } from './import-v1-scenario.js';

// Needs PostgreSQL (see README); fails loudly when it is not there.
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_${randomBytes(6).toString('hex')}`;
const s = v1Scenario();

afterAll(async () => {
  rmSync(s.dir, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

async function run(...extra: string[]) {
  const io = captureIo();
  const code = await runImportV1(
    ['--users', s.usersFile, '--clients', s.clientsFile, ...extra],
    io,
    // DATABASE_URL picks PostgreSQL; the test's own schema keeps it apart from other tests.
    { DATABASE_URL: URL, DATA_DIR: join(s.dir, 'unused'), DEVICES_PER_ACCOUNT: '4' },
    { tty: false, openStore: () => PostgresStore.open({ connectionString: URL, schema, max: 4 }) },
  );
  return { code, out: io.text() };
}

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  try {
    await c.query(`SET search_path TO ${schema}`);
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

describe('omechat import-v1 (PostgreSQL)', () => {
  it('dry run writes nothing, the run imports the valid entries, the second run nothing', async () => {
    const dry = await run('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/users: 12 read, 4 to import, 0 already there, 8 skipped/);
    expect(dry.out).toMatch(/clients: 14 read, 6 to import, 0 already there, 8 skipped/);
    expect(await sql('SELECT * FROM users')).toHaveLength(0);

    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/users: 12 read, 4 imported, 0 already there, 8 skipped/);
    expect(first.out).toMatch(/clients: 14 read, 6 imported, 0 already there, 8 skipped/);
    expect(first.out).toContain(`skipped client ${s.many.clients[3]!.hash}: owner has the most devices`);
    const users = await sql<{
      user_hash: string;
      username: string;
      secret_hash: string;
      age_at_signup: number;
    }>('SELECT user_hash, username, secret_hash, age_at_signup FROM users');
    expect(users.map((u) => u.username).sort()).toEqual(['Alice', 'Wide Name', 'bob_v1', 'many devices']);
    const alice = users.find((u) => u.user_hash === s.alice.hash)!;
    expect(alice.age_at_signup).toBe(16);
    expect(await verify(alice.secret_hash, s.alice.secret)).toBe(true);
    expect(await sql(`SELECT * FROM clients WHERE user_hash = '${s.many.hash}'`)).toHaveLength(3);
    // Legacy accounts (they rotate at their next sign-in) with rotation-only v1 clients.
    expect(await sql('SELECT DISTINCT secret_kind, legacy_secret FROM users')).toEqual([
      { secret_kind: 'raw', legacy_secret: true },
    ]);
    expect(await sql('SELECT DISTINCT rotation_only FROM clients')).toEqual([{ rotation_only: true }]);

    const second = await run();
    expect(second.out).toMatch(/users: 12 read, 0 imported, 4 already there, 8 skipped/);
    expect(second.out).toMatch(/clients: 14 read, 0 imported, 6 already there, 8 skipped/);
    expect(second.out).toContain('Nothing imported: every valid entry was imported before.');

    const dump = JSON.stringify([await sql('SELECT * FROM users'), await sql('SELECT * FROM clients')]);
    for (const p of s.plaintexts) {
      expect(dump).not.toContain(p);
      expect(first.out + second.out + dry.out).not.toContain(p);
    }
  });
});
