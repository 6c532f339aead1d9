import { z } from 'zod';
import { SignupProofSchema } from './pow-schemas.js';
import {
  AccessTokenSchema,
  AuthenticatorSchema,
  ClientHashSchema,
  IdentityKeySchema,
  UserHashSchema,
} from './common-schemas.js';

// Username and age are checked for type here and for content by the domain, so each failure gets its
// own precise code (USERNAME_INVALID, AGE_INVALID) instead of a generic INVALID_INPUT.
// The secret never travels: sign-up carries the authenticator derived from it on the device.
export const CreateAccountRequestSchema = z.strictObject({
  username: z.string().max(256),
  age: z.unknown(),
  authenticator: AuthenticatorSchema,
  /** The solved sign-up challenge (pow-schemas.ts); needed whenever the challenge's level is above 0. */
  proof: SignupProofSchema.optional(),
});
export type CreateAccountRequest = z.infer<typeof CreateAccountRequestSchema>;

export const CreateAccountResponseSchema = z.object({
  user_hash: UserHashSchema,
  username: z.string(),
  age: z.number().int(),
});
export type CreateAccountResponse = z.infer<typeof CreateAccountResponseSchema>;

/**
 * Sign-in: username + `authenticator`, or, for a `legacy_secret` account only (its secret was made
 * by an older server, or imported from v1), username + that old raw `legacy_secret`. A legacy
 * sign-in creates a client that may only rotate the secret (`POST /api/v1/accounts/secret`).
 * Exactly one of the two is required (checked by the domain, so every failure is
 * INVALID_CREDENTIALS). `identity_key` registers the account's identity key at its first sign-in.
 */
export const CreateClientRequestSchema = z.strictObject({
  username: z.string().max(256),
  authenticator: z.string().max(256).optional(),
  legacy_secret: z.string().max(256).optional(),
  identity_key: IdentityKeySchema.optional(),
  label: z.string().max(64).optional(),
});
export type CreateClientRequest = z.infer<typeof CreateClientRequestSchema>;

export const CreateClientResponseSchema = z.object({
  user_hash: UserHashSchema,
  client_hash: ClientHashSchema,
  access_token: AccessTokenSchema,
  /** True: this client may only rotate the secret (the account is `legacy_secret`). */
  rotation_required: z.boolean(),
  /** The identity key registered for the account (null before its first v2 sign-in). */
  identity_key: IdentityKeySchema.nullable(),
});
export type CreateClientResponse = z.infer<typeof CreateClientResponseSchema>;

export const ClientInfoSchema = z.object({
  client_hash: ClientHashSchema,
  label: z.string().nullable(),
  created_at: z.string(),
  last_seen_day: z.string().nullable(),
  current: z.boolean(),
});
export type ClientInfo = z.infer<typeof ClientInfoSchema>;

export const ListClientsResponseSchema = z.object({ clients: z.array(ClientInfoSchema) });
export type ListClientsResponse = z.infer<typeof ListClientsResponseSchema>;

export const AccountInfoSchema = z.object({
  user_hash: UserHashSchema,
  username: z.string(),
  age: z.number().int(),
  created_day: z.string(),
  /** On probation (new account): queue only, lower rates (docs/atss.md). */
  probation: z.boolean().optional(),
  /** The server once knew this account's secret: rotate it (the SDK does at sign-in). */
  legacy_secret: z.boolean(),
  identity_key: IdentityKeySchema.nullable(),
});
export type AccountInfo = z.infer<typeof AccountInfoSchema>;

export const ClientHashParamsSchema = z.strictObject({ client_hash: ClientHashSchema });

/**
 * `PUT /api/v1/account/identity` (authenticated): registers the account's identity key once (the
 * device can derive it only after sign-in told it the user_hash). The same key again is fine;
 * another one is IDENTITY_KEY_MISMATCH (only a secret rotation replaces it).
 */
export const RegisterIdentityRequestSchema = z.strictObject({ identity_key: IdentityKeySchema });

/**
 * `POST /api/v1/accounts/secret` (authenticated): replaces the secret. `old` proves the current one
 * (the authenticator, or a legacy account's raw secret); the new authenticator and identity key
 * replace the old ones, and every other client of the account is signed out.
 */
export const RotateSecretRequestSchema = z.strictObject({
  old: z.union([
    z.strictObject({ authenticator: z.string().max(256) }),
    z.strictObject({ legacy_secret: z.string().max(256) }),
  ]),
  new_authenticator: AuthenticatorSchema,
  identity_key: IdentityKeySchema,
});
export type RotateSecretRequest = z.infer<typeof RotateSecretRequestSchema>;

export const RotateSecretResponseSchema = z.object({
  /** How many other clients were signed out. */
  signed_out_clients: z.number().int(),
});
export type RotateSecretResponse = z.infer<typeof RotateSecretResponseSchema>;
