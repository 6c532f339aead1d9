import {
  REPORT_REASONS,
  type ReportReason,
  type SanctionDuration,
  type StatementOfReasons,
  type StrikeKind,
} from '@omechat/protocol';
import { dayString } from '../day-string.js';

const RESTRICTIONS: Record<StrikeKind, string> = {
  warning:
    'Nothing is restricted: this is a warning, kept on your record. Further violations lead to bans that grow longer each time (24 hours, 7 days, 30 days, permanent).',
  restriction:
    'You cannot join the queue, appear in or use browse, or start new chats, and your open chats were ended. You can still sign in, read your chats, block, report and appeal.',
  ban: 'You cannot sign in or use OmeChat. All your devices were signed out, your open chats were ended, and messages you sent that were not delivered yet were deleted.',
};

export interface StatementInput {
  kind: StrikeKind;
  rule: ReportReason;
  starts_at: number;
  ends_at: number | null;
  duration: SanctionDuration | 'until_review' | null;
  facts: string;
  triggered_by_report: boolean;
  automated: boolean;
  appeal_id: string;
  appeal_until: number;
}

/**
 * The statement of reasons of a strike, with what the EU Digital Services Act Art. 17(3) asks:
 * (a) what is restricted and for how long, (b) the facts, including whether a report triggered it,
 * (c) whether automated means were used, (e) the rule with an explanation, (f) how to seek redress.
 */
export function statementOfReasons(i: StatementInput): StatementOfReasons {
  const until =
    i.ends_at !== null
      ? ` until ${new Date(i.ends_at).toISOString()}`
      : i.duration === 'until_review'
        ? ' until a moderator has reviewed the reports'
        : i.kind === 'ban'
          ? ' permanently'
          : '';
  return {
    decision: i.kind,
    restrictions:
      i.kind === 'warning' ? RESTRICTIONS.warning : `${RESTRICTIONS[i.kind]} This applies${until}.`,
    starts_at: i.starts_at,
    ends_at: i.ends_at,
    duration: i.duration,
    facts: i.facts,
    triggered_by_report: i.triggered_by_report,
    // The server cannot read messages; only what a recipient revealed in a report is ever seen.
    automated_detection: false,
    automated_decision: i.automated,
    rule: i.rule,
    rule_explanation: `${REPORT_REASONS[i.rule].label}: ${REPORT_REASONS[i.rule].rule}`,
    redress:
      `You can appeal until ${dayString(i.appeal_until)} with the appeal id ${i.appeal_id}: sign in with your ` +
      'username and secret in the OmeChat app (or POST /api/v1/appeals). A person, never an automated ' +
      'system, decides every appeal, and you will see the decision and its reason there. You may also turn ' +
      'to a certified out-of-court dispute settlement body or to a court.',
  };
}

/** The facts of an automatic restriction, written for the restricted person. */
export function automaticRestrictionFacts(
  trigger:
    | { kind: 'immediate'; rule: ReportReason; messages: number }
    | { kind: 'threshold'; reporters: number; hours: number; probation?: boolean },
): string {
  if (trigger.kind === 'immediate')
    return (
      `A person you chatted with reported you for "${REPORT_REASONS[trigger.rule].label}" and proved with ` +
      `${trigger.messages} message(s) that you sent them. Because this concerns the safety of minors, your ` +
      'account is restricted at once, before a moderator has looked at it. A moderator will review the report.'
    );
  return (
    `${trigger.reporters} different people reported you within ${trigger.hours} hours, each proving with ` +
    'messages that you sent them. ' +
    (trigger.probation ? 'Your account is new (on probation), so each report counted twice. ' : '') +
    'Your account is restricted until a moderator has reviewed the reports.'
  );
}
