import { z } from 'zod';
import { AccessTokenSchema, ClientHashSchema, UserHashSchema } from './common-schemas.js';

/**
 * The data files of the original OmeChat server (v1), read by `omechat import-v1`
 * (docs/operations.md). Both are one JSON object keyed by hash; these schemas check one entry.
 */

/** v1 made its secrets itself (32 or 64 letters and digits); bounded like a sign-in body field. */
export const V1SecretSchema = z
  .string()
  .regex(/^[A-Za-z0-9]{16,256}$/, 'a v1 secret (16-256 letters and digits)');

/**
 * `user.json`: `{"<userHash>": {clients, age, secret, username}}`. Username and age are checked for
 * content by the importer exactly as sign-up checks them (USERNAME_INVALID, AGE_INVALID); `clients`
 * repeats what `client.json` says through `owner`, which is the one the import follows.
 */
export const V1UserSchema = z.object({
  clients: z.array(z.string().max(256)).max(100_000).optional(),
  age: z.unknown(),
  secret: V1SecretSchema,
  username: z.string().max(256),
});
export type V1User = z.infer<typeof V1UserSchema>;

/** `client.json`: `{"<clientHash>": {owner, access_token}}`. */
export const V1ClientSchema = z.object({
  owner: UserHashSchema,
  access_token: AccessTokenSchema,
});
export type V1Client = z.infer<typeof V1ClientSchema>;

/** The keys of the two files: SHA-512 hex ids in v1 (128 hex), kept as the new ids. */
export const V1UserKeySchema = UserHashSchema;
export const V1ClientKeySchema = ClientHashSchema;
