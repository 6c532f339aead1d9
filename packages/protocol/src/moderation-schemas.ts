import { z } from 'zod';
import { CreateClientRequestSchema } from './account-schemas.js';
import { ChatIdSchema } from './common-schemas.js';
import { ReportReasonSchema } from './report-reasons.js';
import { MsgIdSchema } from './ws-frames.js';

/** Users' side of moderation (docs/protocol.md, "Reports, standing and appeals"). */

const Base64Bytes32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a 32-byte base64 value');
/** Random ids of reports, strikes and appeals: 16 bytes as hex. */
export const ModerationIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a 32-hex id');

export const MAX_REPORT_MESSAGES = 50;
export const MAX_REPORT_BODY_CHARS = 32_768;
export const MAX_REPORT_NOTE_CHARS = 1000;

/** One received message revealed to the server: exactly what the sender committed to and the server tagged. */
export const RevealedMessageSchema = z.strictObject({
  msg_id: MsgIdSchema,
  /** The server's timestamp from the envelope (ms). */
  ts: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The server franking key id from the envelope. */
  kid: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  /** The decrypted body, exactly as committed (the sdk's JSON body text). */
  body: z.string().max(MAX_REPORT_BODY_CHARS),
  kf: Base64Bytes32,
  cf: Base64Bytes32,
  rf: Base64Bytes32,
});
export type RevealedMessage = z.infer<typeof RevealedMessageSchema>;

export const ReportRequestSchema = z.strictObject({
  chat_id: ChatIdSchema,
  reason: ReportReasonSchema,
  note: z.string().max(MAX_REPORT_NOTE_CHARS).optional(),
  messages: z.array(RevealedMessageSchema).min(1).max(MAX_REPORT_MESSAGES),
});
export type ReportRequest = z.infer<typeof ReportRequestSchema>;

export const ReportReceiptSchema = z.object({
  report_id: ModerationIdSchema,
  created_at: z.number().int(),
  /** Messages that verified and were stored as evidence (always all of them). */
  messages: z.number().int(),
  /** The pair is blocked (and the chat ended with `blocked` if it was still open). */
  blocked: z.literal(true),
});
export type ReportReceipt = z.infer<typeof ReportReceiptSchema>;

export const StrikeKindSchema = z.enum(['warning', 'restriction', 'ban']);
export type StrikeKind = z.infer<typeof StrikeKindSchema>;
export const SanctionDurationSchema = z.enum(['24h', '7d', '30d', 'permanent']);
export type SanctionDuration = z.infer<typeof SanctionDurationSchema>;

/**
 * The statement of reasons every warning, restriction and ban carries: what the EU Digital
 * Services Act, Art. 17(3), asks for, in fields a client can show.
 */
export const StatementOfReasonsSchema = z.object({
  /** (a) What was decided and what it restricts, in plain words. */
  decision: StrikeKindSchema,
  restrictions: z.string(),
  starts_at: z.number().int(),
  /** null: permanent (ban) or until a moderator has reviewed the reports (restriction). */
  ends_at: z.number().int().nullable(),
  duration: z.union([SanctionDurationSchema, z.literal('until_review'), z.null()]),
  /** (b) The facts and circumstances relied on. */
  facts: z.string(),
  /** (b) Whether a user's report led to it (the reporter is never named). */
  triggered_by_report: z.boolean(),
  /** (c) OmeChat cannot read messages: content is never detected by automated means. */
  automated_detection: z.boolean(),
  /** (c) Whether the decision was taken automatically (restrictions pending review) or by a person. */
  automated_decision: z.boolean(),
  /** (e) The rule broken, and why it exists. */
  rule: ReportReasonSchema,
  rule_explanation: z.string(),
  /** (f) How to appeal, and until when. */
  redress: z.string(),
});
export type StatementOfReasons = z.infer<typeof StatementOfReasonsSchema>;

export const AppealStatusSchema = z.enum(['open', 'upheld', 'overruled']);
export type AppealStatus = z.infer<typeof AppealStatusSchema>;

export const AppealViewSchema = z.object({
  appeal_id: ModerationIdSchema,
  status: AppealStatusSchema,
  created_at: z.number().int(),
  decided_at: z.number().int().nullable(),
  /** The moderator's reason for the decision, shown to the user. */
  decision_reason: z.string().nullable(),
});
export type AppealView = z.infer<typeof AppealViewSchema>;

export const StrikeStatusSchema = z.enum(['active', 'expired', 'lifted', 'overruled']);
export type StrikeStatus = z.infer<typeof StrikeStatusSchema>;

/** A strike as its account sees it (and as ACCOUNT_BANNED / ACCOUNT_RESTRICTED errors carry it). */
export const StrikeViewSchema = z.object({
  strike_id: ModerationIdSchema,
  kind: StrikeKindSchema,
  reason: ReportReasonSchema,
  status: StrikeStatusSchema,
  created_at: z.number().int(),
  ends_at: z.number().int().nullable(),
  /** The id to appeal this strike with, and the last moment an appeal is accepted. */
  appeal_id: ModerationIdSchema,
  appeal_until: z.number().int(),
  statement: StatementOfReasonsSchema,
  appeal: AppealViewSchema.nullable(),
});
export type StrikeView = z.infer<typeof StrikeViewSchema>;

/** An account's standing: what restricts it now and every strike it has, newest first. */
export const StandingSchema = z.object({
  banned: StrikeViewSchema.nullable(),
  restricted: StrikeViewSchema.nullable(),
  strikes: z.array(StrikeViewSchema),
});
export type Standing = z.infer<typeof StandingSchema>;

/**
 * Banned users have no client, so standing and appeals authenticate with exactly what sign-in
 * (`POST /api/v1/clients`) accepts, minus the device label.
 */
export const AccountCredentialsSchema = CreateClientRequestSchema.omit({ label: true, identity_key: true });
export type AccountCredentials = z.infer<typeof AccountCredentialsSchema>;

/** @alias The standing request's own name, for the route that reads it (the same schema). */
export const StandingRequestSchema = AccountCredentialsSchema;

export const MAX_APPEAL_TEXT_CHARS = 4000;
export const AppealRequestSchema = AccountCredentialsSchema.extend({
  appeal_id: ModerationIdSchema,
  text: z.string().min(1).max(MAX_APPEAL_TEXT_CHARS),
});
export type AppealRequest = z.infer<typeof AppealRequestSchema>;
