import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ACTOR } from '../src/core/moderation/audit-log.js';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { sendFranked } from './franked-messages.js';

// Reports, a restriction and a ban through the whole server on PostgreSQL, across a restart.
const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let server: TestServer;
let dbName: string;

beforeAll(async () => {
  dbName = `omechat_mod_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  server = await startTestServer({ DATABASE_URL: URL.replace(/\/[^/]*$/, `/${dbName}`) });
});

afterAll(async () => {
  await server?.destroy();
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

describe('moderation on PostgreSQL', () => {
  it('verifies a report, restricts, bans (socket closed), and keeps it all across a restart', async () => {
    const { token } = await server.services.moderators.add(OPERATOR_ACTOR, 'pg_mod');
    const p = await matchedPair(server, ['pgm_kid', 'pgm_liar'], [14, 14], 1);
    const msg = await sendFranked(p.cb, p.ca, p.chat_id, p.a.client_hash, 'how old are you really');
    const forged = await server.api('/api/v1/reports', {
      auth: p.a.auth,
      body: { chat_id: p.chat_id, reason: 'age_lie', messages: [{ ...msg, body: `${msg.body} ` }] },
    });
    expect(forged.body.error.code).toBe('REPORT_INVALID');
    const r = await server.api('/api/v1/reports', {
      auth: p.a.auth,
      body: { chat_id: p.chat_id, reason: 'age_lie', messages: [msg] },
    });
    expect(r.status).toBe(201);
    expect((await p.cb.waitType('moderation.notice')).strike.kind).toBe('restriction');

    const ban = await server.api(`/api/v1/admin/reports/${r.body.report_id}/resolve`, {
      auth: token,
      body: { action: 'ban', statement: 'An adult posing as 14, as the messages show.' },
    });
    expect(ban.body.strike).toMatchObject({ kind: 'ban', statement: { duration: '24h' } });
    expect(await p.cb.closed()).toBe(4403);
    p.ca.close();

    server = await server.restart();
    const signIn = await server.api('/api/v1/clients', {
      body: { username: 'pgm_liar', authenticator: p.b.authenticator },
    });
    expect(signIn.body.error).toMatchObject({
      code: 'ACCOUNT_BANNED',
      sanction: { appeal_id: ban.body.strike.appeal_id },
    });
    const shown = await server.api(`/api/v1/admin/reports/${r.body.report_id}`, { auth: token });
    expect(shown.body).toMatchObject({ status: 'resolved', evidence: [{ body: msg.body }] });
    // The report window of the ended chat and the franking key survived the restart too.
    const again = await server.api('/api/v1/reports', {
      auth: p.a.auth,
      body: { chat_id: p.chat_id, reason: 'age_lie', messages: [msg] },
    });
    expect(again.body.error.code).toBe('REPORT_DUPLICATE');
  });
});
