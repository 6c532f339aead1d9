import { authenticatorFromSecret, generateSecret } from '@omechat/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

describe('accounts and clients over real HTTP', () => {
  it('signs up, adds a client, authenticates, lists clients', async () => {
    const authenticator = authenticatorFromSecret(generateSecret());
    const acc = await server.api('/api/v1/accounts', { body: { username: 'alice', age: 16, authenticator } });
    expect(acc.status).toBe(201);
    expect(acc.body.user_hash).toMatch(/^[0-9a-f]{64}$/);
    // The server makes no secret and returns none: it only ever sees the authenticator.
    expect(Object.keys(acc.body).sort()).toEqual(['age', 'user_hash', 'username']);
    expect(acc.body.age).toBe(16);

    const cl = await server.api('/api/v1/clients', { body: { username: 'ALICE', authenticator } });
    expect(cl.status).toBe(201);
    expect(cl.body).toMatchObject({ rotation_required: false, identity_key: null });
    expect(cl.body.user_hash).toBe(acc.body.user_hash);
    expect(cl.body.client_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cl.body.access_token).toMatch(/^[A-Za-z0-9]{64}$/);

    const auth = `${cl.body.client_hash}.${cl.body.access_token}`;
    const list = await server.api('/api/v1/clients', { auth });
    expect(list.status).toBe(200);
    expect(list.body.clients).toHaveLength(1);
    expect(list.body.clients[0]).toMatchObject({ client_hash: cl.body.client_hash, current: true });

    const me = await server.api('/api/v1/account', { auth });
    expect(me.body).toMatchObject({ user_hash: acc.body.user_hash, username: 'alice', age: 16 });
  });

  it('refuses a wrong secret and an unknown username alike', async () => {
    const u = await signUp(server, 'bob_wrongsecret', 20);
    const wrong = await server.api('/api/v1/clients', {
      body: {
        username: 'bob_wrongsecret',
        authenticator: u.authenticator.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const unknown = await server.api('/api/v1/clients', {
      body: { username: 'nobody_here', authenticator: u.authenticator },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('revokes a client: its token stops working, the other keeps working', async () => {
    const u = await signUp(server, 'carol', 30);
    const second = await server.api('/api/v1/clients', {
      body: { username: 'carol', authenticator: u.authenticator, label: 'phone' },
    });
    const auth2 = `${second.body.client_hash}.${second.body.access_token}`;
    expect((await server.api('/api/v1/clients', { auth: u.auth })).body.clients).toHaveLength(2);

    const del = await server.api(`/api/v1/clients/${second.body.client_hash}`, {
      method: 'DELETE',
      auth: u.auth,
    });
    expect(del.status).toBe(204);
    const refused = await server.api('/api/v1/clients', { auth: auth2 });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
    expect((await server.api('/api/v1/clients', { auth: u.auth })).status).toBe(200);

    const again = await server.api(`/api/v1/clients/${second.body.client_hash}`, {
      method: 'DELETE',
      auth: u.auth,
    });
    expect(again.body.error.code).toBe('CLIENT_NOT_FOUND');
  });

  it("cannot revoke another account's client", async () => {
    const a = await signUp(server, 'dave', 30);
    const b = await signUp(server, 'erin', 30);
    const r = await server.api(`/api/v1/clients/${b.client_hash}`, { method: 'DELETE', auth: a.auth });
    expect(r.status).toBe(404);
    expect((await server.api('/api/v1/clients', { auth: b.auth })).status).toBe(200);
  });

  it('deletes an account and everything of it', async () => {
    const u = await signUp(server, 'frank', 40);
    const del = await server.api('/api/v1/account', { method: 'DELETE', auth: u.auth });
    expect(del.status).toBe(204);
    const after = await server.api('/api/v1/clients', { auth: u.auth });
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    const login = await server.api('/api/v1/clients', {
      body: { username: 'frank', authenticator: u.authenticator },
    });
    expect(login.body.error.code).toBe('INVALID_CREDENTIALS');
    // The name is free again.
    expect(
      (
        await server.api('/api/v1/accounts', {
          body: { username: 'frank', age: 40, authenticator: 'a'.repeat(64) },
        })
      ).status,
    ).toBe(201);
  });

  it('refuses missing, malformed and forged tokens', async () => {
    const u = await signUp(server, 'grace', 25);
    const cases: (string | undefined)[] = [
      undefined,
      'Bearer',
      `Basic ${u.auth}`,
      `Bearer ${u.client_hash}`,
      `Bearer ${u.client_hash}.${'A'.repeat(64)}`,
      `Bearer ${'0'.repeat(64)}.${u.access_token}`,
      `Bearer ${u.auth}x`,
      `bearer ${u.auth}`,
    ];
    for (const header of cases) {
      const r = await server.api('/api/v1/clients', {
        headers: header === undefined ? {} : { authorization: header },
      });
      expect(r.status, String(header)).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers unknown routes with a catalogue error and sets security headers', async () => {
    const r = await server.api('/api/v1/nothing');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const h = await server.api('/healthz');
    expect(h.body).toEqual({ status: 'ok' });
  });

  it('never writes a secret or token in plaintext to the database files or the logs', async () => {
    const u = await signUp(server, 'canary_user', 22);
    await server.api('/api/v1/clients', { auth: u.auth });
    await server.api('/api/v1/clients', { body: { username: 'canary_user', authenticator: 'x'.repeat(64) } });
    const files = server.dataFilesText();
    const logs = server.logs.join('');
    expect(files.length).toBeGreaterThan(0);
    expect(files).toContain(u.user_hash); // sanity: the grep sees the database content
    for (const s of [u.secret, u.authenticator, u.access_token]) {
      expect(files).not.toContain(s);
      expect(logs).not.toContain(s);
    }
    expect(logs).not.toContain('canary_user');
    expect(logs).not.toContain('127.0.0.1"');
    expect(logs).toMatch(/"route":"\/api\/v1\/clients"/);
  });
});

describe('rate limits', () => {
  it('limits login attempts per account from one network, with Retry-After', async () => {
    const s = await startTestServer({ LOGINS_PER_ACCOUNT_NETWORK_PER_15MIN: '3' });
    try {
      const u = await signUp(s, 'henry', 30); // one successful login, which resets the counter
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await s.api('/api/v1/clients', {
          body: { username: 'henry', authenticator: 'y'.repeat(64) },
        });
        codes.push(r.body.error.code);
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(codes).toEqual([
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      // From the throttled network even the right secret waits (other networks do not: sign-in-limits.test.ts).
      const right = await s.api('/api/v1/clients', {
        body: { username: 'henry', authenticator: u.authenticator },
      });
      expect(right.body.error.code).toBe('RATE_LIMITED');
    } finally {
      await s.destroy();
    }
  });

  it('limits sign-ups and logins per network', async () => {
    const s = await startTestServer({
      SIGNUPS_PER_NETWORK_PER_HOUR: '2',
      LOGINS_PER_NETWORK_PER_MINUTE: '2',
    });
    try {
      expect(
        (
          await s.api('/api/v1/accounts', {
            body: { username: 'n1', age: 20, authenticator: 'a'.repeat(64) },
          })
        ).status,
      ).toBe(400); // too short
      expect(
        (
          await s.api('/api/v1/accounts', {
            body: { username: 'net1', age: 20, authenticator: 'a'.repeat(64) },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await s.api('/api/v1/accounts', {
            body: { username: 'net2', age: 20, authenticator: 'a'.repeat(64) },
          })
        ).status,
      ).toBe(201);
      const third = await s.api('/api/v1/accounts', {
        body: { username: 'net3', age: 20, authenticator: 'a'.repeat(64) },
      });
      expect(third.status).toBe(429);
      for (let i = 0; i < 2; i++)
        await s.api('/api/v1/clients', { body: { username: 'net1', authenticator: 'z'.repeat(64) } });
      const r = await s.api('/api/v1/clients', { body: { username: 'net2', authenticator: 'z'.repeat(64) } });
      expect(r.body.error.code).toBe('RATE_LIMITED');
    } finally {
      await s.destroy();
    }
  });
});
