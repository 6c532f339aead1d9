import { z } from 'zod';

/**
 * Sign-up proof of work (MLBS re-entry layer, docs/security.md). The challenge is an altcha v2
 * challenge (scrypt, deterministic mode): the solver tries counters from 0 until the derived key
 * starts with `key_prefix`; the server picked the counter below `max_counter`, so `max_counter`
 * bounds the work and gives a progress fraction. The bounds below also protect a client from a
 * hostile server asking for absurd memory or time.
 */
export const POW_ALGORITHM = 'SCRYPT';
export const POW_MAX_COST = 1 << 15;
export const POW_MAX_MEMORY_COST = 16;
export const POW_MAX_COUNTER = 1 << 20;

const Hex = (max: number) =>
  z
    .string()
    .regex(/^[0-9a-f]+$/)
    .max(max);

export const PowParametersSchema = z.strictObject({
  algorithm: z.literal(POW_ALGORITHM),
  nonce: Hex(64),
  salt: Hex(64),
  cost: z.number().int().min(2).max(POW_MAX_COST),
  keyLength: z.number().int().min(16).max(64),
  keyPrefix: Hex(128).min(8),
  keySignature: Hex(128).optional(),
  memoryCost: z.number().int().min(1).max(POW_MAX_MEMORY_COST),
  parallelism: z.number().int().min(1).max(2).optional(),
  expiresAt: z.number().int().positive(),
  data: z
    .record(z.string().max(32), z.union([z.string().max(128), z.number(), z.boolean(), z.null()]))
    .optional(),
});
export type PowParameters = z.infer<typeof PowParametersSchema>;

export const PowChallengeSchema = z.strictObject({
  parameters: PowParametersSchema,
  signature: Hex(128),
});
export type PowChallenge = z.infer<typeof PowChallengeSchema>;

/** `POST /api/v1/accounts/challenge`: level 0 means no work is needed right now (`challenge` null). */
export const SignupChallengeResponseSchema = z.strictObject({
  level: z.number().int().min(0).max(32),
  max_counter: z.number().int().min(0).max(POW_MAX_COUNTER),
  expires_at: z.number().int().nonnegative(),
  challenge: PowChallengeSchema.nullable(),
});
export type SignupChallengeResponse = z.infer<typeof SignupChallengeResponseSchema>;

export const PowSolutionSchema = z.strictObject({
  counter: z.number().int().min(0).max(POW_MAX_COUNTER),
  derivedKey: Hex(128),
  time: z.number().nonnegative().optional(),
});
export type PowSolution = z.infer<typeof PowSolutionSchema>;

/** Sent with `POST /api/v1/accounts` as `proof`. */
export const SignupProofSchema = z.strictObject({
  challenge: PowChallengeSchema,
  solution: PowSolutionSchema,
});
export type SignupProof = z.infer<typeof SignupProofSchema>;
