import { z } from 'zod';

/**
 * The catalogue of report reasons (MLBS, docs/moderation.md). Each reason is also the *rule* a
 * strike cites in its statement of reasons. `severity` orders the moderators' queue (0 first:
 * minors' safety); `restrictsAtOnce` reasons restrict the reported account at once, pending review.
 */
export const REPORT_REASONS = {
  sexual_content_minor: {
    severity: 0,
    restrictsAtOnce: true,
    label: 'Sexual content involving a minor',
    rule: 'No sexual content, sexual requests or grooming involving or directed at anyone under 18. A confirmed violation ends the account permanently.',
  },
  age_lie: {
    severity: 1,
    restrictsAtOnce: true,
    label: 'Claims an age they are not',
    rule: 'Your account must state your real age. OmeChat keeps minors and adults apart by age, so lying about it puts young people at risk.',
  },
  self_harm: {
    severity: 2,
    restrictsAtOnce: false,
    label: 'Encourages suicide or self-harm',
    rule: 'Do not encourage, instruct or glorify suicide, self-harm or eating disorders.',
  },
  harassment: {
    severity: 3,
    restrictsAtOnce: false,
    label: 'Harassment or threats',
    rule: 'Do not insult, threaten, stalk, blackmail or keep contacting someone who does not want it.',
  },
  hate: {
    severity: 4,
    restrictsAtOnce: false,
    label: 'Hate',
    rule: 'Do not attack people for who they are: origin, religion, disability, gender, sexual orientation or similar.',
  },
  spam: {
    severity: 5,
    restrictsAtOnce: false,
    label: 'Spam or scams',
    rule: 'Do not advertise, send mass messages, or try to get money, accounts or personal data from people.',
  },
  other: {
    severity: 6,
    restrictsAtOnce: false,
    label: 'Something else',
    rule: 'Follow the OmeChat rules: be respectful and keep everyone safe.',
  },
} as const satisfies Record<
  string,
  { severity: number; restrictsAtOnce: boolean; label: string; rule: string }
>;

export type ReportReason = keyof typeof REPORT_REASONS;

export const REPORT_REASON_CODES = Object.keys(REPORT_REASONS) as ReportReason[];

export const ReportReasonSchema = z.enum(REPORT_REASON_CODES as [ReportReason, ...ReportReason[]]);
