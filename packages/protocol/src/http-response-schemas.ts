import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';
import {
  AdminAppealSchema,
  AuditEntrySchema,
  ModeratorInfoSchema,
  ReportDetailSchema,
  ReportSummarySchema,
} from './admin-schemas.js';
import { StrikeViewSchema } from './moderation-schemas.js';

// Response bodies of the HTTP API that have no request-side twin, so the OpenAPI description
// (GET /api/v1/openapi.json) is generated from the same zod definitions the clients parse with.

const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];

/** Every refusal: `{error: {code, message, status, issues?, retry_after?, sanction?}}` (docs/errors.md). */
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    status: z.number().int(),
    issues: z.array(z.object({ path: z.string(), problem: z.string() })).optional(),
    retry_after: z.number().int().optional(),
    sanction: StrikeViewSchema.optional(),
  }),
});

export const HealthResponseSchema = z.object({ status: z.literal('ok') });
export const ResolveReportResponseSchema = z.object({
  report: ReportDetailSchema,
  strike: StrikeViewSchema.nullable(),
});
export const BulkDismissResponseSchema = z.object({ dismissed: z.number().int() });
export const BanResponseSchema = z.object({ strike: StrikeViewSchema });
export const UnbanResponseSchema = z.object({ lifted: z.number().int() });
export const AddModeratorResponseSchema = z.object({
  moderator: ModeratorInfoSchema,
  /** Shown once; the server keeps only its hash. */
  token: z.string(),
});
export const ReportListSchema = z.object({ reports: z.array(ReportSummarySchema) });
export const AppealListSchema = z.object({ appeals: z.array(AdminAppealSchema) });
export const ModeratorListSchema = z.object({ moderators: z.array(ModeratorInfoSchema) });
export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });
