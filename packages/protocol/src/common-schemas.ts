import { z } from 'zod';

/** 32 random bytes as lowercase hex; v1 imports keep their 128-hex SHA-512 ids. */
export const UserHashSchema = z.string().regex(/^(?:[0-9a-f]{64}|[0-9a-f]{128})$/, 'a user_hash');
export const ClientHashSchema = z.string().regex(/^(?:[0-9a-f]{64}|[0-9a-f]{128})$/, 'a client_hash');
export const ChatIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a chat id');

/** An account secret: 64 chars of A-Z a-z 0-9 (made on the device; never sent, except a legacy one once). */
export const SecretSchema = z.string().regex(/^[A-Za-z0-9]{64}$/, 'a 64-character secret');
/** HKDF of the account secret (`authenticatorFromSecret`), 64 lowercase hex: what the server checks. */
export const AuthenticatorSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-hex authenticator');
/** An Ed25519 public key, base64 (44 chars): the account's identity key. */
export const IdentityKeySchema = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'an identity key');
export const AccessTokenSchema = z.string().regex(/^[A-Za-z0-9]{64}$/, 'a 64-character access token');

export const MIN_AGE = 13;
export const MAX_AGE = 120;
export const AgeSchema = z.number().int().min(MIN_AGE).max(MAX_AGE);

export const MAX_TOLERANCE = 5;
export const ToleranceSchema = z.number().int().min(0).max(MAX_TOLERANCE);
