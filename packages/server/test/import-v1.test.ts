import { verify } from '@node-rs/argon2';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runImportV1 } from '../src/cli/import-v1-cli.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { captureIo, v1Scenario } from './import-v1-scenario.js';
import { startTestServer } from '@omechat/test-kit';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setUp() {
  const s = v1Scenario();
  dirs.push(s.dir);
  const env = { DATA_DIR: join(s.dir, 'data'), DEVICES_PER_ACCOUNT: '4' };
  const run = async (...extra: string[]) => {
    const io = captureIo();
    const batchSize = extra.includes('--batch-of-2') ? 2 : undefined;
    const args = [
      '--users',
      s.usersFile,
      '--clients',
      s.clientsFile,
      ...extra.filter((a) => a !== '--batch-of-2'),
    ];
    const code = await runImportV1(args, io, env, { tty: false, ...(batchSize ? { batchSize } : {}) });
    return { code, out: io.text() };
  };
  const dataText = () =>
    readdirSync(env.DATA_DIR)
      .map((f) => readFileSync(join(env.DATA_DIR, f)).toString('latin1'))
      .join('\n');
  return { s, env, run, dataText };
}

const countLine = (phase: string, t: { read: number; imported: number }, verb = 'imported') =>
  new RegExp(`${phase}: ${t.read} read, ${t.imported} ${verb}, 0 already there`);

describe('omechat import-v1 (SQLite)', () => {
  it('imports the valid entries, reports each skipped one with its key and reason, and stores no plaintext', async () => {
    const { s, env, run, dataText } = setUp();
    const { code, out } = await run();
    expect(code).toBe(0);
    expect(out).toMatch(countLine('users', s.expected.users));
    expect(out).toMatch(countLine('clients', s.expected.clients));
    expect(out).toContain(`skipped user ${s.underage.hash}: malformed entry (AGE_INVALID`);
    expect(out).toContain(
      `skipped user ${s.aliceAgain.hash}: same username (case-insensitively) as an earlier entry (as ${s.alice.hash})`,
    );
    expect(out).toContain(`skipped user ${s.alice.hash}: same hash as an earlier entry`);
    expect(out).toMatch(/skipped user entry #5: malformed entry \(key is not a user hash\)/);
    expect(out).toMatch(/skipped client [0-9a-f]{128}: owner not in user.json/);
    expect(out).toContain(
      `skipped client ${s.aliceAgain.clients[0]!.hash}: owner was skipped (same username (case-insensitively) as an earlier entry)`,
    );
    expect(out).toContain(`skipped client ${s.many.clients[3]!.hash}: owner has the most devices`);
    expect(out).toMatch(/malformed entry: 6 users, 3 clients/);
    expect(out).toMatch(/time: \d+s/);

    const store = new SqliteStore({ filename: join(env.DATA_DIR, 'omechat.db') });
    try {
      const alice = await store.getUser(s.alice.hash);
      expect(alice).toMatchObject({ username: 'Alice', username_key: 'alice', age_at_signup: 16 });
      expect(alice!.secret_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await verify(alice!.secret_hash, s.alice.secret)).toBe(true);
      expect(new Date(alice!.created_at).toISOString().slice(0, 10)).toBe(
        new Date().toISOString().slice(0, 10),
      );
      expect(await verify((await store.getUser(s.bob.hash))!.secret_hash, s.bob.secret)).toBe(true);
      expect((await store.getUser(s.wide.hash))!.username).toBe('Wide Name');
      expect(await store.getUser(s.underage.hash)).toBeNull();
      expect(await store.getUser(s.aliceAgain.hash)).toBeNull();
      const clients = await store.listClients(s.alice.hash);
      expect(clients.map((c) => c.client_hash).sort()).toEqual(s.alice.clients.map((c) => c.hash).sort());
      const token = s.alice.clients[0]!;
      const stored = clients.find((c) => c.client_hash === token.hash)!;
      expect(stored.token_hash).toBe(createHash('sha256').update(token.token).digest('hex'));
      expect(stored.label).toBe('OmeChat v1');
      expect(await store.listClients(s.many.hash)).toHaveLength(3);
    } finally {
      await store.close();
    }
    const everything = dataText() + out;
    for (const p of s.plaintexts) expect(everything).not.toContain(p);
  });

  it('a dry run reports the same and writes nothing; a second run imports nothing and says so', async () => {
    const { s, env, run } = setUp();
    const dry = await run('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: nothing was written');
    expect(dry.out).toMatch(countLine('users', s.expected.users, 'to import'));
    expect(dry.out).toMatch(countLine('clients', s.expected.clients, 'to import'));
    const store = new SqliteStore({ filename: join(env.DATA_DIR, 'omechat.db') });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 0 });
    await store.close();

    expect((await run()).code).toBe(0);
    const again = await run();
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/users: 12 read, 0 imported, 4 already there, 8 skipped/);
    expect(again.out).toMatch(/clients: 14 read, 0 imported, 6 already there, 8 skipped/);
    expect(again.out).toContain('Nothing imported: every valid entry was imported before.');
  });

  it('gives the same result in batches of two (duplicates and owners across batch boundaries)', async () => {
    const { s, run } = setUp();
    const { code, out } = await run('--batch-of-2');
    expect(code).toBe(0);
    expect(out).toMatch(countLine('users', s.expected.users));
    expect(out).toMatch(countLine('clients', s.expected.clients));
    expect(out).toContain(`skipped user ${s.alice.hash}: same hash as an earlier entry`);
    expect(out).toMatch(/malformed entry: 6 users, 3 clients/);
  });

  it('an imported user signs in with the old secret as a legacy account that must rotate; v1 tokens may only rotate', async () => {
    const { s, env, run } = setUp();
    expect((await run()).code).toBe(0);
    const server = await startTestServer({ DEVICES_PER_ACCOUNT: '4' }, { dataDir: env.DATA_DIR });
    try {
      const signIn = await server.api('/api/v1/clients', {
        body: { username: 'many devices', legacy_secret: s.many.secret },
      });
      // The import left room for this sign-in under the device cap.
      expect(signIn.status).toBe(201);
      expect(signIn.body).toMatchObject({ user_hash: s.many.hash, rotation_required: true });
      const auth = `${signIn.body.client_hash}.${signIn.body.access_token}`;
      // It may read the account (legacy_secret: true) and rotate, nothing else.
      expect((await server.api('/api/v1/account', { auth })).body.legacy_secret).toBe(true);
      expect((await server.api('/api/v1/clients', { auth })).body.error.code).toBe(
        'SECRET_ROTATION_REQUIRED',
      );
      // The 32-character secret of v1 works the same; a wrong one, or the secret as an authenticator, does not.
      const bob = await server.api('/api/v1/clients', {
        body: { username: 'BOB_V1', legacy_secret: s.bob.secret },
      });
      expect(bob.status).toBe(201);
      const wrong = await server.api('/api/v1/clients', {
        body: { username: 'alice', legacy_secret: s.bob.secret },
      });
      expect(wrong.status).toBe(401);
      const asAuthenticator = await server.api('/api/v1/clients', {
        body: { username: 'alice', authenticator: s.alice.secret },
      });
      expect(asAuthenticator.status).toBe(401);
      const c = s.alice.clients[0]!;
      const v1Client = await server.api('/api/v1/clients', { auth: `${c.hash}.${c.token}` });
      expect(v1Client.body.error.code).toBe('SECRET_ROTATION_REQUIRED');
    } finally {
      await server.close();
    }
  });

  it('stops on a file that is not a v1 JSON object and keeps what came before; refuses missing files', async () => {
    const { s, env } = setUp();
    const io = captureIo();
    const broken = join(s.dir, 'broken.json');
    const text = readFileSync(s.usersFile, 'utf8');
    // Cut inside the 4th entry: the first three were read whole.
    const cut = text.split('\n').slice(0, 4).join('\n') + '\n"abc":{"age":';
    (await import('node:fs')).writeFileSync(broken, cut);
    const code = await runImportV1(['--users', broken, '--clients', s.clientsFile], io, env, { tty: false });
    expect(code).toBe(1);
    expect(io.text()).toMatch(/broken\.json: not a v1 JSON object .* after \d+ entries/);
    expect(io.text()).toMatch(/users: \d+ read, 2 imported/);
    for (const p of s.plaintexts) expect(io.text()).not.toContain(p);

    const missing = captureIo();
    expect(
      await runImportV1(['--users', join(s.dir, 'nope.json'), '--clients', s.clientsFile], missing, env),
    ).toBe(2);
    expect(missing.text()).toContain('--users: no readable file');
    expect(await runImportV1(['--users', s.usersFile], missing, env)).toBe(2);
    expect(missing.text()).toContain('--clients is required');
  });
});
