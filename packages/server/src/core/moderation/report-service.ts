import { OmeChatError, REPORT_REASONS, type ReportReceipt, type ReportRequest } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { RateLimiter } from '../../ports/rate-limiter.js';
import type { AccountStore, EvidenceRecord, ModerationStore, ReportRecord } from '../../ports/store.js';
import type { Principal } from '../accounts/account-service.js';
import type { ChatService } from '../chats/chat-service.js';
import { ageBand, currentAge } from '../matching/atss.js';
import type { MatchService } from '../matching/match-service.js';
import { randomHash } from '../random-string.js';
import { SYSTEM_ACTOR, type AuditLog } from './audit-log.js';
import { verifyEvidence } from './evidence-verifier.js';
import type { ModerationPolicy } from './moderation-policy.js';
import type { ReportWindows } from './report-windows.js';
import { automaticRestrictionFacts } from './statement-of-reasons.js';
import type { StandingService } from './standing-service.js';
import type { StrikeService } from './strike-service.js';

const HOUR = 3_600_000;

export interface ReportServiceDeps {
  store: AccountStore & { moderation: ModerationStore };
  clock: Clock;
  limiter: RateLimiter;
  chats: Pick<ChatService, 'get' | 'end'>;
  matches: Pick<MatchService, 'blockPair'>;
  windows: ReportWindows;
  /** The franking key of a kid, still stored or not (FrankingTagger.verificationKey). */
  frankingKey: (kid: number) => Promise<Uint8Array | undefined>;
  strikes: StrikeService;
  standing: StandingService;
  audit: AuditLog;
  policy: ModerationPolicy;
  /** Reports against an account on probation weigh double towards the threshold (MLBS re-entry). */
  probation?: { isOnProbation(user_hash: string): Promise<boolean> };
}

/**
 * Franked reports (DESIGN §8-9). A chat member reveals received messages; the server recomputes
 * `cf` and its own tag `rf` with sender = the partner and recipient = the reporter, and stores the
 * report only when every message verifies. Works while the chat is open and, through the sealed
 * report windows, for a while after it ended. Reporting blocks the pair, and may restrict the
 * reported account at once (minors' safety reasons) or when enough different people report it.
 */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  async submit(principal: Principal, req: ReportRequest): Promise<ReportReceipt> {
    const { store, clock, policy } = this.deps;
    const now = clock.now();
    const reporter = principal.user_hash;
    const attempt = await this.deps.limiter.hit(`report:${reporter}`, policy.reportAttemptsPerHour, HOUR);
    if (!attempt.allowed)
      throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: attempt.retryAfterSeconds });
    const chat = await this.deps.chats.get(req.chat_id);
    const open = chat !== null && (chat.user_a === reporter || chat.user_b === reporter);
    const ctx =
      open && chat
        ? {
            partner: chat.user_a === reporter ? chat.user_b : chat.user_a,
            started_at: chat.created_at,
            ended_at: null,
          }
        : await this.deps.windows.find(req.chat_id, reporter);
    // Unknown, never yours, or ended longer ago than the report window: the same answer.
    if (!ctx) throw new OmeChatError('CHAT_NOT_FOUND');

    const issues = await verifyEvidence(
      req.messages,
      { ...ctx, sender: ctx.partner, recipient: reporter, now, maxAgeMs: policy.evidenceMaxAgeMs },
      this.deps.frankingKey,
    );
    if (issues.length > 0) throw new OmeChatError('REPORT_INVALID', { issues });

    const me = await store.getUser(reporter);
    const reason = REPORT_REASONS[req.reason];
    const report: ReportRecord = {
      report_id: randomHash(16),
      dedupe: this.deps.windows.dedupeKey(req.chat_id, reporter),
      reporter,
      reported: ctx.partner,
      reporter_band: me ? ageBand(currentAge(me.age_at_signup, me.created_at, now)) : null,
      reason: req.reason,
      severity: reason.severity,
      note: req.note?.trim() || null,
      created_at: now,
      status: 'open',
      resolution: null,
      resolved_at: null,
      resolved_by: null,
      strike_id: null,
      evidence_expires_at: now + policy.unresolvedEvidenceMs,
      purged: false,
    };
    const evidence: EvidenceRecord[] = req.messages.map((m, seq) => ({
      report_id: report.report_id,
      seq,
      ...m,
    }));
    const outcome = await store.moderation.createReport(report, evidence, {
      since: now - 24 * HOUR + 1, // the last 24 hours, so retry_after is exact
      max: policy.reportsPerDay,
    });
    if (outcome.status === 'duplicate') throw new OmeChatError('REPORT_DUPLICATE');
    if (outcome.status === 'capped')
      throw new OmeChatError('REPORT_LIMIT_REACHED', {
        retryAfterSeconds: Math.max(1, Math.ceil((outcome.oldest_at + 24 * HOUR - now) / 1000)),
      });

    await this.deps.matches.blockPair(reporter, ctx.partner);
    if (open) await this.deps.chats.end(req.chat_id, 'blocked');
    await this.applyRules(report, ctx.partner, req.messages.length);
    return { report_id: report.report_id, created_at: now, messages: evidence.length, blocked: true };
  }

  /** Restricts the reported account pending review when a rule says so (and nothing holds already). */
  private async applyRules(report: ReportRecord, reported: string, messages: number): Promise<void> {
    const { store, policy } = this.deps;
    if (!(await store.getUser(reported))) return;
    const held = await this.deps.standing.inForce(reported);
    if (held.ban || held.restriction) return;
    let facts: string;
    let rule = report.reason;
    if (REPORT_REASONS[report.reason].restrictsAtOnce) {
      facts = automaticRestrictionFacts({ kind: 'immediate', rule, messages });
    } else {
      const since = this.deps.clock.now() - policy.thresholdWindowMs;
      const reporters = await store.moderation.countOpenReporters(reported, since);
      const probation = (await this.deps.probation?.isOnProbation(reported)) ?? false;
      if (reporters * (probation ? 2 : 1) < policy.reporterThreshold) return;
      // Cite the most severe reason among the reports that count.
      const recent = await store.moderation.listReports({ status: 'open', reported, limit: 200 });
      rule = recent.find((r) => r.created_at >= since)?.reason ?? rule;
      facts = automaticRestrictionFacts({
        kind: 'threshold',
        reporters,
        hours: Math.round(policy.thresholdWindowMs / HOUR),
        probation,
      });
    }
    const strike = await this.deps.strikes.impose({
      user_hash: reported,
      kind: 'restriction',
      rule,
      duration: 'until_review',
      facts,
      automated: true,
      report_id: report.report_id,
      decided_by: SYSTEM_ACTOR.name,
    });
    await this.deps.audit.record(
      SYSTEM_ACTOR,
      'account.restrict.automatic',
      { kind: 'account', id: reported },
      `${REPORT_REASONS[report.reason].restrictsAtOnce ? 'immediate' : 'threshold'} restriction ${strike.strike_id} after report ${report.report_id}`,
    );
  }
}
