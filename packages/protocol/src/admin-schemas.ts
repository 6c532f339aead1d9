import { z } from 'zod';
import { UserHashSchema } from './common-schemas.js';
import {
  AppealStatusSchema,
  ModerationIdSchema,
  SanctionDurationSchema,
  StrikeKindSchema,
  StrikeStatusSchema,
  StrikeViewSchema,
} from './moderation-schemas.js';
import { ReportReasonSchema } from './report-reasons.js';

/** The moderators' admin API under /api/v1/admin/ (docs/protocol.md, docs/moderation.md). */

export const ModeratorNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_.-]{2,31}$/, 'a moderator name');
/** What a moderator writes to justify an action: it becomes the facts of the statement of reasons. */
export const ModeratorStatementSchema = z.string().trim().min(10).max(4000);

export const ReportActionSchema = z.enum(['dismiss', 'warn', 'restrict', 'ban']);
export type ReportAction = z.infer<typeof ReportActionSchema>;

export const ResolveReportRequestSchema = z.strictObject({
  action: ReportActionSchema,
  statement: ModeratorStatementSchema,
  /** restrict: default 7d; ban: default from the escalation ladder (permanent for sexual_content_minor). */
  duration: SanctionDurationSchema.optional(),
  /** The rule broken, when it is not the reported reason. */
  rule: ReportReasonSchema.optional(),
});
export type ResolveReportRequest = z.infer<typeof ResolveReportRequestSchema>;

export const BulkDismissRequestSchema = z
  .strictObject({
    report_ids: z.array(ModerationIdSchema).min(1).max(500).optional(),
    /** Every open report against this account (a report flood). */
    reported: UserHashSchema.optional(),
    statement: ModeratorStatementSchema,
  })
  .refine((b) => b.report_ids !== undefined || b.reported !== undefined, 'report_ids or reported');
export type BulkDismissRequest = z.infer<typeof BulkDismissRequestSchema>;

export const BanRequestSchema = z.strictObject({
  rule: ReportReasonSchema,
  statement: ModeratorStatementSchema,
  duration: SanctionDurationSchema.optional(),
});
export type BanRequest = z.infer<typeof BanRequestSchema>;

export const UnbanRequestSchema = z.strictObject({ statement: ModeratorStatementSchema });

export const DecideAppealRequestSchema = z.strictObject({
  decision: z.enum(['uphold', 'overrule']),
  /** Shown to the user as the reason of the decision. */
  reason: ModeratorStatementSchema,
});
export type DecideAppealRequest = z.infer<typeof DecideAppealRequestSchema>;

export const NoteRequestSchema = z.strictObject({ text: z.string().trim().min(1).max(2000) });
export const AddModeratorRequestSchema = z.strictObject({ name: ModeratorNameSchema });

const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const ReportsQuerySchema = z.strictObject({
  status: z.enum(['open', 'resolved']).default('open'),
  reason: ReportReasonSchema.optional(),
  reported: UserHashSchema.optional(),
  limit: Limit,
});
export const AppealsQuerySchema = z.strictObject({
  status: z.enum(['open', 'decided']).default('open'),
  limit: Limit,
});
export const AuditQuerySchema = z.strictObject({
  limit: Limit,
  /** Entries with a smaller `seq` only (paging backwards). */
  before: z.coerce.number().int().min(1).optional(),
});
export const ReportIdParamsSchema = z.strictObject({ report_id: ModerationIdSchema });
export const AppealIdParamsSchema = z.strictObject({ appeal_id: ModerationIdSchema });
export const AccountParamsSchema = z.strictObject({ user_hash: UserHashSchema });
export const ModeratorParamsSchema = z.strictObject({ name: ModeratorNameSchema });

// ---- answers ----
export const AgeBandSchema = z.enum(['minor-young', 'minor-old', 'adult']);

export const StrikeSummarySchema = z.object({
  strike_id: ModerationIdSchema,
  kind: StrikeKindSchema,
  reason: ReportReasonSchema,
  status: StrikeStatusSchema,
  automated: z.boolean(),
  created_at: z.number().int(),
  ends_at: z.number().int().nullable(),
});
export type StrikeSummary = z.infer<typeof StrikeSummarySchema>;

/** What a moderator sees of an account: never its secret, clients or chats. */
export const AccountSummarySchema = z.object({
  user_hash: UserHashSchema,
  /** false when the account was deleted since (its strikes went with it). */
  exists: z.boolean(),
  username: z.string().nullable(),
  age: z.number().int().nullable(),
  age_band: AgeBandSchema.nullable(),
  signup_day: z.string().nullable(),
  last_active_day: z.string().nullable(),
  standing: z.enum(['ok', 'restricted', 'banned']),
  strikes: z.array(StrikeSummarySchema),
  /** The ban duration the escalation ladder proposes next. */
  next_ban: SanctionDurationSchema,
});
export type AccountSummary = z.infer<typeof AccountSummarySchema>;

export const EvidenceMessageSchema = z.object({
  msg_id: z.string(),
  ts: z.number().int(),
  body: z.string(),
});

export const NoteSchema = z.object({
  note_id: ModerationIdSchema,
  author: z.string(),
  created_at: z.number().int(),
  text: z.string(),
});

export const ReportSummarySchema = z.object({
  report_id: ModerationIdSchema,
  reason: ReportReasonSchema,
  severity: z.number().int(),
  status: z.enum(['open', 'resolved']),
  created_at: z.number().int(),
  note: z.string().nullable(),
  reporter_age_band: AgeBandSchema.nullable(),
  /** Distinct people with an open report against the same account. */
  distinct_reporters: z.number().int(),
  /** The verified messages; null once the evidence was deleted (retention). */
  evidence: z.array(EvidenceMessageSchema).nullable(),
  /** null once the evidence was deleted: the decision record keeps no account. */
  reported: AccountSummarySchema.nullable(),
  resolution: z
    .object({
      action: z.enum(['dismiss', 'warn', 'restrict', 'ban', 'expired']),
      resolved_at: z.number().int(),
      resolved_by: z.string(),
      strike_id: ModerationIdSchema.nullable(),
    })
    .nullable(),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

export const ReportDetailSchema = ReportSummarySchema.extend({ notes: z.array(NoteSchema) });
export type ReportDetail = z.infer<typeof ReportDetailSchema>;

export const AdminAppealSchema = z.object({
  appeal_id: ModerationIdSchema,
  status: AppealStatusSchema,
  created_at: z.number().int(),
  text: z.string(),
  decided_at: z.number().int().nullable(),
  decided_by: z.string().nullable(),
  decision_reason: z.string().nullable(),
  strike: StrikeViewSchema,
  account: AccountSummarySchema,
  notes: z.array(NoteSchema),
});
export type AdminAppeal = z.infer<typeof AdminAppealSchema>;

export const ModeratorInfoSchema = z.object({
  name: ModeratorNameSchema,
  created_at: z.number().int(),
});
export type ModeratorInfo = z.infer<typeof ModeratorInfoSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.number().int(),
  actor_kind: z.enum(['moderator', 'operator', 'system']),
  actor: z.string(),
  action: z.string(),
  target_kind: z.string().nullable(),
  target_id: z.string().nullable(),
  reason: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export type Note = z.infer<typeof NoteSchema>;
