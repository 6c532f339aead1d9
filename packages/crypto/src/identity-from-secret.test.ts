import { describe, expect, it } from 'vitest';
import { generateDevice, identityFromSecret, verifyDevice } from './index.js';

describe('identityFromSecret', () => {
  const secret = 'A'.repeat(32) + 'b'.repeat(32);
  it('is deterministic per secret and user, and certifies devices', () => {
    const a = identityFromSecret(secret, 'u1');
    expect(identityFromSecret(secret, 'u1')).toEqual(a);
    expect(identityFromSecret(secret, 'u2').publicKey).not.toBe(a.publicKey);
    expect(identityFromSecret(secret.replace('A', 'B'), 'u1').publicKey).not.toBe(a.publicKey);
    verifyDevice(generateDevice(a));
  });

  it('refuses short secrets', () => {
    expect(() => identityFromSecret('short', 'u1')).toThrow();
  });
});
