import { z } from 'zod';
import { AccessTokenSchema, ClientHashSchema, SecretSchema, UserHashSchema } from './common-schemas.js';
import { SignupProofSchema } from './pow-schemas.js';

// Username and age are checked for type here and for content by the domain, so each failure gets its
// own precise code (USERNAME_INVALID, AGE_INVALID) instead of a generic INVALID_INPUT.
export const CreateAccountRequestSchema = z.strictObject({
  username: z.string().max(256),
  age: z.unknown(),
  /** The solved sign-up challenge (pow-schemas.ts); needed whenever the challenge's level is above 0. */
  proof: SignupProofSchema.optional(),
});
export type CreateAccountRequest = z.infer<typeof CreateAccountRequestSchema>;

export const CreateAccountResponseSchema = z.object({
  user_hash: UserHashSchema,
  secret: SecretSchema,
  username: z.string(),
  age: z.number().int(),
});
export type CreateAccountResponse = z.infer<typeof CreateAccountResponseSchema>;

export const CreateClientRequestSchema = z.strictObject({
  username: z.string().max(256),
  secret: z.string().max(256),
  label: z.string().max(64).optional(),
});
export type CreateClientRequest = z.infer<typeof CreateClientRequestSchema>;

export const CreateClientResponseSchema = z.object({
  user_hash: UserHashSchema,
  client_hash: ClientHashSchema,
  access_token: AccessTokenSchema,
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
});
export type AccountInfo = z.infer<typeof AccountInfoSchema>;

export const ClientHashParamsSchema = z.strictObject({ client_hash: ClientHashSchema });
