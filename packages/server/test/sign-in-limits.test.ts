import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '@omechat/test-kit';

/**
 * Issue 12: wrong guesses by a stranger must not lock the owner out. The per-account limit is
 * counted per network (core/accounts/sign-in-limiter.ts), both limits are checked before argon2,
 * and the network hash comes from the client address (X-Forwarded-For behind TRUST_PROXY here).
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: 'true',
    LOGINS_PER_NETWORK_PER_MINUTE: '30',
    LOGINS_PER_ACCOUNT_NETWORK_PER_15MIN: '10',
  });
});
afterAll(async () => {
  await server.destroy();
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const signIn = (username: string, secret: string, ip: string) =>
  server.api('/api/v1/clients', { body: { username, authenticator: secret }, headers: from(ip) });

/** Runs `n` calls with `width` of them in flight at a time; returns their error codes (or status). */
async function barrage(n: number, width: number, call: () => ReturnType<typeof signIn>) {
  const codes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next++ < n) {
        const r = await call();
        codes.push(r.body?.error?.code ?? String(r.status));
      }
    }),
  );
  return codes;
}

describe('sign-in limits', () => {
  it('lets the owner sign in after a stranger made 1,000 wrong guesses from another network', async () => {
    const owner = await signUp(server, 'lockout_owner', 30);
    const wrong = 'W'.repeat(64);
    const codes = await barrage(1000, 20, () => signIn('lockout_owner', wrong, '203.0.113.66'));
    expect(codes).toHaveLength(1000);
    // At most the per-account-and-network allowance was verified; the rest was refused before argon2.
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(990);
    expect(new Set(codes)).toEqual(new Set(['INVALID_CREDENTIALS', 'RATE_LIMITED']));

    const ok = await signIn('lockout_owner', owner.authenticator, '198.51.100.20');
    expect(ok.status).toBe(201);
    expect(ok.body.user_hash).toBe(owner.user_hash);
  }, 120_000);

  it('a stranger spread over many networks does not lock the owner out either', async () => {
    const owner = await signUp(server, 'spread_owner', 30);
    for (let n = 0; n < 40; n++) {
      const r = await signIn('spread_owner', 'Q'.repeat(64), `192.0.2.${n + 1}`);
      expect(r.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    expect((await signIn('spread_owner', owner.authenticator, '198.51.100.21')).status).toBe(201);
  }, 120_000);

  it('treats unknown names exactly like existing ones (the limits reveal no account)', async () => {
    await signUp(server, 'known_name', 30);
    const known = await barrage(12, 1, () => signIn('known_name', 'K'.repeat(64), '203.0.113.80'));
    const unknown = await barrage(12, 1, () => signIn('unknown_name', 'K'.repeat(64), '203.0.113.81'));
    expect(unknown).toEqual(known);
    expect(known.slice(-2)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });
});
