import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

const hex = () => randomBytes(32).toString('hex');
const key = () => randomBytes(32).toString('base64');
const signIn = (body: Record<string, unknown>) => server.api('/api/v1/clients', { body });

describe('identity v2 on the server: authenticators, identity keys, legacy secrets, rotation', () => {
  it('registers the identity key at the first sign-in and refuses another one later', async () => {
    const u = await signUp(server, 'idk_first', 30);
    const k = key();
    const first = await signIn({ username: 'idk_first', authenticator: u.authenticator, identity_key: k });
    expect(first.body).toMatchObject({ rotation_required: false, identity_key: k });
    const same = await signIn({ username: 'idk_first', authenticator: u.authenticator, identity_key: k });
    expect(same.status).toBe(201);
    const other = await signIn({
      username: 'idk_first',
      authenticator: u.authenticator,
      identity_key: key(),
    });
    expect(other.body.error.code).toBe('IDENTITY_KEY_MISMATCH');
    const plain = await signIn({ username: 'idk_first', authenticator: u.authenticator });
    expect(plain.body.identity_key).toBe(k);
    expect((await server.api('/api/v1/account', { auth: u.auth })).body).toMatchObject({
      legacy_secret: false,
      identity_key: k,
    });
  });

  it('registers the identity key after sign-in (PUT /api/v1/account/identity), once', async () => {
    const u = await signUp(server, 'idk_put', 30);
    const k = key();
    const put = (identity_key: string) =>
      server.api('/api/v1/account/identity', { method: 'PUT', auth: u.auth, body: { identity_key } });
    expect((await put(k)).status).toBe(204);
    expect((await put(k)).status).toBe(204);
    expect((await put(key())).body.error.code).toBe('IDENTITY_KEY_MISMATCH');
    expect((await put('short')).body.error.code).toBe('INVALID_INPUT');
    expect((await server.api('/api/v1/account', { auth: u.auth })).body.identity_key).toBe(k);
  });

  it('a legacy account signs in with its raw secret only to rotate it; rotation signs out every other client', async () => {
    const u = await signUp(server, 'legacy_lee', 30);
    // Mark it as an account made while the server knew secrets: its hash is now "of the raw secret".
    const raw = u.authenticator;
    expect(await server.store.markLegacySecret(u.user_hash)).toBe(true);

    // The authenticator path no longer works for it, and the raw path works only for legacy accounts.
    expect((await signIn({ username: 'legacy_lee', authenticator: raw })).body.error.code).toBe(
      'INVALID_CREDENTIALS',
    );
    const legacy = await signIn({ username: 'legacy_lee', legacy_secret: raw, identity_key: key() });
    expect(legacy.status).toBe(201);
    expect(legacy.body).toMatchObject({ rotation_required: true, identity_key: null });
    const auth = `${legacy.body.client_hash}.${legacy.body.access_token}`;

    // Until it rotates, the new client may read its account and rotate, nothing else.
    expect((await server.api('/api/v1/clients', { auth })).body.error.code).toBe('SECRET_ROTATION_REQUIRED');
    expect((await server.api('/api/v1/account', { auth })).body.legacy_secret).toBe(true);
    // The device that was signed in before keeps working until the rotation.
    expect((await server.api('/api/v1/clients', { auth: u.auth })).status).toBe(200);

    const newAuth = hex();
    const k = key();
    const wrong = await server.api('/api/v1/accounts/secret', {
      auth,
      body: { old: { legacy_secret: hex() }, new_authenticator: newAuth, identity_key: k },
    });
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const rotated = await server.api('/api/v1/accounts/secret', {
      auth,
      body: { old: { legacy_secret: raw }, new_authenticator: newAuth, identity_key: k },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ signed_out_clients: 1 });

    expect((await server.api('/api/v1/clients', { auth })).body.clients).toHaveLength(1);
    expect((await server.api('/api/v1/clients', { auth: u.auth })).body.error.code).toBe('UNAUTHENTICATED');
    expect((await server.api('/api/v1/account', { auth })).body).toMatchObject({
      legacy_secret: false,
      identity_key: k,
    });
    // The old raw secret is dead; the new authenticator signs in and gets the new identity key.
    expect((await signIn({ username: 'legacy_lee', legacy_secret: raw })).body.error.code).toBe(
      'INVALID_CREDENTIALS',
    );
    const again = await signIn({ username: 'legacy_lee', authenticator: newAuth });
    expect(again.body).toMatchObject({ rotation_required: false, identity_key: k });
  });

  it('any account can rotate (a leaked secret): old authenticator proven, new identity registered', async () => {
    const u = await signUp(server, 'leaky_lou', 30);
    const phone = await signIn({ username: 'leaky_lou', authenticator: u.authenticator });
    const newAuth = hex();
    const k = key();
    const legacyProof = await server.api('/api/v1/accounts/secret', {
      auth: u.auth,
      body: { old: { legacy_secret: u.authenticator }, new_authenticator: newAuth, identity_key: k },
    });
    expect(legacyProof.body.error.code).toBe('INVALID_CREDENTIALS');
    const r = await server.api('/api/v1/accounts/secret', {
      auth: u.auth,
      body: { old: { authenticator: u.authenticator }, new_authenticator: newAuth, identity_key: k },
    });
    expect(r.body).toEqual({ signed_out_clients: 1 });
    const phoneAuth = `${phone.body.client_hash}.${phone.body.access_token}`;
    expect((await server.api('/api/v1/account', { auth: phoneAuth })).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await signIn({ username: 'leaky_lou', authenticator: u.authenticator })).status).toBe(401);
    expect((await signIn({ username: 'leaky_lou', authenticator: newAuth })).body.identity_key).toBe(k);
  });

  it('refuses malformed rotations with catalogue codes', async () => {
    const u = await signUp(server, 'rot_bad', 30);
    for (const body of [
      {},
      { old: { authenticator: u.authenticator }, new_authenticator: 'x', identity_key: key() },
      { old: { authenticator: u.authenticator }, new_authenticator: hex(), identity_key: 'nope' },
      { old: { secret: u.secret }, new_authenticator: hex(), identity_key: key() },
    ]) {
      const r = await server.api('/api/v1/accounts/secret', { auth: u.auth, body });
      expect(r.body.error.code).toBe('INVALID_INPUT');
    }
    const unauth = await server.api('/api/v1/accounts/secret', {
      body: { old: { authenticator: u.authenticator }, new_authenticator: hex(), identity_key: key() },
    });
    expect(unauth.body.error.code).toBe('UNAUTHENTICATED');
  });
});
