import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../src/cli/admin-cli.js';
import { ADMIN_COMMANDS } from '../src/cli/admin-commands.js';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { sendFranked } from './franked-messages.js';
import { WsTestClient } from './ws-test-client.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'omechat-dev.js');

// `omechat admin` run as its own process on the database of a running server (same DATA_DIR):
// what it decides, the server carries out within MODERATION_SWEEP_MS.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MODERATION_SWEEP_MS: '200' });
});
afterAll(async () => {
  await server.destroy();
});

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'admin', ...args],
      { env: { PATH: process.env.PATH ?? '', DATA_DIR: server.dataDir }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          out: stdout,
          err: stderr,
        }),
    );
  });
}

/** The same command in this process (what the binary runs, without its start-up cost). */
async function inProcess(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAdmin(
    args,
    { out: (t) => (out += t), err: (t) => (err += t) },
    { DATA_DIR: server.dataDir },
  );
  return { code, out, err };
}

// Spawning costs seconds on a busy machine: the key paths run as processes, the rest in-process.
const SPAWN_TIMEOUT = 180_000;

describe('omechat admin', () => {
  it(
    'adds a moderator whose token works on the running server, lists, shows and resolves reports, bans and unbans, and audits',
    async () => {
      const added = await cli('moderators', 'add', 'cli_anna', '--json');
      expect(added.code, added.err).toBe(0);
      const { token, moderator } = JSON.parse(added.out);
      expect(moderator.name).toBe('cli_anna');
      const viaApi = await server.api('/api/v1/admin/moderators', { auth: token });
      expect(viaApi.body.moderators).toEqual([expect.objectContaining({ name: 'cli_anna' })]);
      expect(await server.store.moderation.getModeratorByName('cli_anna')).not.toBeNull();
      expect(JSON.stringify(await server.store.moderation.listModerators())).not.toContain(
        token.split('.')[1],
      );

      const p = await matchedPair(server, ['cli_a', 'cli_b'], [19, 19], 2);
      const msg = await sendFranked(p.cb, p.ca, p.chat_id, p.a.client_hash, 'cli: you are worthless');
      const r = await server.api('/api/v1/reports', {
        auth: p.a.auth,
        body: { chat_id: p.chat_id, reason: 'harassment', messages: [msg] },
      });
      expect(r.status).toBe(201);

      const list = await cli('reports', 'list', '--json');
      expect(list.code, list.err).toBe(0);
      expect(JSON.parse(list.out).reports).toEqual([
        expect.objectContaining({
          report_id: r.body.report_id,
          evidence: [expect.objectContaining({ body: msg.body })],
        }),
      ]);
      const shown = await inProcess('reports', 'show', r.body.report_id);
      expect(shown.code, shown.err).toBe(0);
      expect(shown.out).toContain('cli: you are worthless');
      expect(shown.out).toContain('cli_b');

      // A decision needs a named moderator and a statement.
      const anonymous = await inProcess(
        'reports',
        'resolve',
        r.body.report_id,
        '--action',
        'warn',
        '--statement',
        'Insulting someone.',
      );
      expect(anonymous.code).toBe(2);
      expect(anonymous.err).toContain('--as NAME is required');
      const noStatement = await inProcess(
        'reports',
        'resolve',
        r.body.report_id,
        '--action',
        'warn',
        '--as',
        'cli_anna',
      );
      expect(noStatement.code).toBe(1);
      expect(noStatement.err).toContain('INVALID_INPUT');

      // The reported user is still connected; the CLI bans him, the server closes his socket.
      const cb2 = await WsTestClient.authed(server.url, p.b);
      const ban = await cli(
        'ban',
        'cli_b',
        '--rule',
        'harassment',
        '--statement',
        'Insulted the person he chatted with.',
        '--as',
        'cli_anna',
        '--json',
      );
      expect(ban.code, ban.err).toBe(0);
      expect(JSON.parse(ban.out).strike).toMatchObject({ kind: 'ban', statement: { duration: '24h' } });
      expect(await cb2.closed(10_000)).toBe(4403);
      expect(cb2.ofType('error').at(-1)).toMatchObject({ code: 'ACCOUNT_BANNED' });
      const signIn = await server.api('/api/v1/clients', {
        body: { username: 'cli_b', authenticator: p.b.authenticator },
      });
      expect(signIn.body.error).toMatchObject({ code: 'ACCOUNT_BANNED', sanction: { reason: 'harassment' } });

      const resolved = await inProcess(
        'reports',
        'resolve',
        r.body.report_id,
        '--action',
        'dismiss',
        '--statement',
        'Already banned for it above.',
        '--as',
        'cli_anna',
      );
      expect(resolved.code, resolved.err).toBe(0);
      expect(resolved.out).toContain('dismiss');
      expect(
        (
          await inProcess(
            'reports',
            'resolve',
            r.body.report_id,
            '--action',
            'dismiss',
            '--statement',
            'Once more, no.',
            '--as',
            'cli_anna',
          )
        ).err,
      ).toContain('ALREADY_DECIDED');

      const unban = await inProcess(
        'unban',
        p.b.user_hash,
        '--statement',
        'Lifted after a talk.',
        '--as',
        'cli_anna',
        '--json',
      );
      expect(JSON.parse(unban.out)).toEqual({ lifted: 1 });
      expect(
        (
          await server.api('/api/v1/clients', {
            body: { username: 'cli_b', authenticator: p.b.authenticator },
          })
        ).status,
      ).toBe(201);

      const appeals = await inProcess('appeals', 'list', '--json');
      expect(JSON.parse(appeals.out)).toEqual({ appeals: [] });
      const audit = await inProcess('audit', '--json');
      expect(
        (JSON.parse(audit.out).entries as { actor: string; action: string }[]).map(
          (e) => `${e.actor}:${e.action}`,
        ),
      ).toEqual(
        expect.arrayContaining([
          'operator:moderator.add',
          'cli_anna:account.ban',
          'cli_anna:report.dismiss',
          'cli_anna:account.ban.lift',
        ]),
      );
      expect((await cli('audit')).out).toMatch(/moderator:cli_anna account\.ban account:[0-9a-f]{64} — /);

      const removed = await inProcess('moderators', 'remove', 'cli_anna');
      expect(removed.code, removed.err).toBe(0);
      expect((await server.api('/api/v1/admin/moderators', { auth: token })).status).toBe(401);
      for (const c of [p.ca, p.cb]) c.close();
    },
    SPAWN_TIMEOUT,
  );

  it(
    'answers --help for every command, and refuses unknown commands and options',
    async () => {
      const help = await cli('--help');
      expect(help.code).toBe(0);
      for (const k of Object.keys(ADMIN_COMMANDS)) expect(help.out).toContain(k);
      expect((await inProcess('appeals', 'decide', '--help')).out).toContain('--decision uphold|overrule');
      // Each command's --help, in-process (it opens no database): the same code the binary runs.
      for (const [k, command] of Object.entries(ADMIN_COMMANDS)) {
        let out = '';
        const code = await runAdmin(
          [...k.split(' '), '--help'],
          { out: (t) => (out += t), err: () => {} },
          {},
        );
        expect(code, k).toBe(0);
        expect(out, k).toBe(`${command.usage}\n`);
        expect(out, k).toContain('--json');
      }
      expect((await cli('nonsense')).code).toBe(2);
      const badOption = await inProcess('reports', 'list', '--colour', 'red');
      expect(badOption.code).toBe(2);
      expect(badOption.err).toContain('--colour');
    },
    SPAWN_TIMEOUT,
  );

  it(
    'exits 1 with the error code when refused',
    async () => {
      const missing = await cli('reports', 'show', '0'.repeat(32), '--json');
      expect(missing.code).toBe(1);
      expect(JSON.parse(missing.err).error.code).toBe('NOT_FOUND');
      await signUp(server, 'cli_nobody', 30);
      const noModerator = await inProcess(
        'ban',
        'cli_nobody',
        '--rule',
        'spam',
        '--statement',
        'Advertising everywhere.',
        '--as',
        'ghost',
      );
      expect(noModerator.code).toBe(1);
      expect(noModerator.err).toContain('No moderator named ghost');
    },
    SPAWN_TIMEOUT,
  );
});
