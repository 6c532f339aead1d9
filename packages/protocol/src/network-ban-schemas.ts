import { z } from 'zod';
import { ModeratorStatementSchema } from './admin-schemas.js';
import { ModerationIdSchema } from './moderation-schemas.js';

/** Admin API: network bans (MLBS network layer), placed from a report, at most 72 hours. */
export const NetworkBanRequestSchema = z.strictObject({
  hours: z.number().positive().max(72),
  reason: ModeratorStatementSchema,
});
export type NetworkBanRequest = z.infer<typeof NetworkBanRequestSchema>;

export const NetworkBanIdParamsSchema = z.strictObject({ ban_id: ModerationIdSchema });
export const LiftNetworkBanRequestSchema = z.strictObject({ reason: ModeratorStatementSchema });

/** A network ban as moderators see it: never the network (hash) itself. */
export const NetworkBanViewSchema = z.object({
  ban_id: ModerationIdSchema,
  report_id: ModerationIdSchema,
  created_at: z.number().int(),
  ends_at: z.number().int(),
  moderator: z.string(),
  reason: z.string(),
});
export type NetworkBanView = z.infer<typeof NetworkBanViewSchema>;
