import { authenticatorFromSecret, isV2Secret } from '@omechat/crypto';
import { describe, expect, it } from 'vitest';
import { runSecretCommand } from './secret-commands.js';

function io(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), readStdin: async () => stdin },
  };
}

describe('omechat new-secret / authenticator', () => {
  it('makes a v2 secret and turns it into the authenticator the SDK sends', async () => {
    const made = io();
    expect(await runSecretCommand('new-secret', made.io)).toBe(0);
    const secret = made.out.join('').trim();
    expect(isV2Secret(secret)).toBe(true);
    // Grouped or with a trailing newline, as pasted: the same authenticator.
    const grouped = secret.replace(/(.{8})/g, '$1 ');
    const auth = io(`${grouped}\n`);
    expect(await runSecretCommand('authenticator', auth.io)).toBe(0);
    expect(auth.out.join('')).toBe(`${authenticatorFromSecret(secret)}\n`);
  });

  it('refuses a mistyped secret without printing anything derived from it', async () => {
    const r = io('A'.repeat(64));
    expect(await runSecretCommand('authenticator', r.io)).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err.join('')).toMatch(/not a valid account secret/);
  });
});
