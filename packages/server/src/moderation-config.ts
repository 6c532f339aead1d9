import type { Config } from './config.js';
import type { ModerationPolicy } from './core/moderation/moderation-policy.js';
import type { FrankingKeyPolicy } from './core/relay/franking-tagger.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Franking keys (and so reportable messages) are kept as long as a message can wait undelivered
 * plus the report window after that.
 */
function evidenceMaxAgeMs(c: Config): number {
  return (c.MESSAGE_TTL_DAYS + c.REPORT_WINDOW_DAYS) * DAY;
}

export function moderationPolicy(c: Config): ModerationPolicy {
  return {
    reportWindowMs: c.REPORT_WINDOW_DAYS * DAY,
    reportsPerDay: c.REPORTS_PER_DAY,
    reportAttemptsPerHour: c.REPORT_ATTEMPTS_PER_HOUR,
    reporterThreshold: c.REPORT_THRESHOLD,
    thresholdWindowMs: c.REPORT_THRESHOLD_HOURS * HOUR,
    unresolvedEvidenceMs: c.UNRESOLVED_EVIDENCE_DAYS * DAY,
    resolvedEvidenceMs: c.EVIDENCE_RETENTION_DAYS * DAY,
    appealWindowMs: c.APPEAL_WINDOW_DAYS * DAY,
    evidenceMaxAgeMs: evidenceMaxAgeMs(c),
    auditRetentionMs: c.AUDIT_RETENTION_DAYS * DAY,
  };
}

export function frankingKeyPolicy(c: Config): FrankingKeyPolicy {
  return { rotationMs: c.FRANKING_KEY_ROTATION_HOURS * HOUR, retentionMs: evidenceMaxAgeMs(c) };
}
