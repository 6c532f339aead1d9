const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The MLBS numbers (config: docs/operations.md; rules: docs/moderation.md). */
export interface ModerationPolicy {
  /** How long after a chat ended its members may still report it. */
  reportWindowMs: number;
  /** Reports one account may file per rolling 24 hours. */
  reportsPerDay: number;
  /** Report submissions (valid or not) per account per hour: verification work is bounded too. */
  reportAttemptsPerHour: number;
  /** Distinct reporters within `thresholdWindowMs` that restrict an account pending review. */
  reporterThreshold: number;
  thresholdWindowMs: number;
  /** Evidence of a report nobody resolved is deleted after this (the report closes as `expired`). */
  unresolvedEvidenceMs: number;
  /** Evidence of a resolved report is deleted this long after the decision. */
  resolvedEvidenceMs: number;
  /** A strike can be appealed for this long. */
  appealWindowMs: number;
  /** Revealed messages older than this are refused (their franking key is gone). */
  evidenceMaxAgeMs: number;
  /** Audit entries are deleted after this. */
  auditRetentionMs: number;
}

export const DEFAULT_MODERATION_POLICY: ModerationPolicy = {
  reportWindowMs: 7 * DAY,
  reportsPerDay: 10,
  reportAttemptsPerHour: 30,
  reporterThreshold: 3,
  thresholdWindowMs: DAY,
  unresolvedEvidenceMs: 90 * DAY,
  resolvedEvidenceMs: 14 * DAY,
  appealWindowMs: 183 * DAY,
  evidenceMaxAgeMs: 37 * DAY,
  auditRetentionMs: 730 * DAY,
};
