import {
  authenticatorFromSecret,
  generateSecret,
  identityFromSecretV2,
  isV2Secret,
  type Identity,
} from '@omechat/crypto';
import { OmeChatError, type CreateClientResponse, type RotateSecretRequest } from '@omechat/protocol';
import type { HttpApi } from './http-api.js';

/** Secrets are shown in groups; whatever spacing the user typed or pasted is not part of it. */
export function normaliseSecret(secret: string): string {
  return secret.replace(/[\s-]+/g, '');
}

/** What proves the current secret to the server, without ever sending a v2 secret. */
export function secretProof(secret: string, legacySecret: boolean): RotateSecretRequest['old'] {
  if (isV2Secret(secret)) return { authenticator: authenticatorFromSecret(secret) };
  // Anything else is sent as is only when the user said it is an old (server-made) secret: a
  // mistyped v2 secret sent raw would hand the server almost all of it.
  if (legacySecret) return { legacy_secret: secret };
  throw new OmeChatError('SECRET_INVALID');
}

/** A new secret, its authenticator and the identity it gives the account. */
export function freshSecret(user_hash: string) {
  const secret = generateSecret();
  return {
    secret,
    authenticator: authenticatorFromSecret(secret),
    identity: identityFromSecretV2(secret, user_hash),
  };
}

export interface SecretSignIn {
  creds: CreateClientResponse;
  identity: Identity;
  /** Set when a legacy secret was rotated: the new secret, to be shown to the user once. */
  rotatedSecret: string | null;
}

/**
 * Signs a new client in with username + secret (issue 10). A v2 secret is never sent: the
 * authenticator is, the identity is derived here and registered at the account's first sign-in.
 * An old secret (`legacySecret`, the server made it) is sent once to prove it and replaced at once
 * by a new one made here, with a new identity; every other client of the account is signed out.
 */
export async function signInWithSecret(
  http: HttpApi,
  o: { username: string; secret: string; label?: string | undefined; legacySecret?: boolean | undefined },
): Promise<SecretSignIn> {
  const secret = normaliseSecret(o.secret);
  const proof = secretProof(secret, o.legacySecret ?? false);
  const label = o.label ? { label: o.label } : {};
  const creds = await http.createClient({ username: o.username, ...proof, ...label });
  try {
    if ('legacy_secret' in proof) {
      const fresh = freshSecret(creds.user_hash);
      await http.rotateSecret(creds, {
        old: proof,
        new_authenticator: fresh.authenticator,
        identity_key: fresh.identity.publicKey,
      });
      return { creds, identity: fresh.identity, rotatedSecret: fresh.secret };
    }
    const identity = identityFromSecretV2(secret, creds.user_hash);
    if (creds.identity_key === null) await http.registerIdentity(creds, identity.publicKey);
    else if (creds.identity_key !== identity.publicKey) throw new OmeChatError('IDENTITY_KEY_MISMATCH');
    return { creds, identity, rotatedSecret: null };
  } catch (e) {
    // Leave no half-made client behind.
    await http.revokeClient(creds, creds.client_hash).catch(() => undefined);
    throw e;
  }
}
