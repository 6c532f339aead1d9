import {
  OmeChatError,
  type AccountSummary,
  type AdminAppeal,
  type AuditEntry,
  type BanRequest,
  type BulkDismissRequest,
  type DecideAppealRequest,
  type ReportDetail,
  type ReportReason,
  type ReportSummary,
  type ResolveReportRequest,
  type SanctionDuration,
  type StrikeView,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { AccountStore, ModerationStore, ReportRecord } from '../../ports/store.js';
import { randomHash } from '../random-string.js';
import { SYSTEM_ACTOR, type Actor, type AuditLog } from './audit-log.js';
import type { ModerationPolicy } from './moderation-policy.js';
import type { ModerationViews } from './moderation-views.js';
import type { StandingService } from './standing-service.js';
import type { StrikeService } from './strike-service.js';
import { isInForce } from './strike-view.js';

export interface ModerationServiceDeps {
  store: AccountStore & { moderation: ModerationStore };
  clock: Clock;
  strikes: StrikeService;
  standing: StandingService;
  views: ModerationViews;
  audit: AuditLog;
  policy: ModerationPolicy;
}

/**
 * The moderators' desk, shared by the admin API and the `omechat admin` CLI: the report queue,
 * decisions on reports (each with a statement of reasons), bans, appeals, notes, the audit log and
 * the retention sweep. Every action is written to the audit log with who did it and why.
 */
export class ModerationService {
  constructor(private readonly deps: ModerationServiceDeps) {}

  async listReports(q: {
    status: 'open' | 'resolved';
    reason?: ReportReason | undefined;
    reported?: string | undefined;
    limit: number;
  }): Promise<ReportSummary[]> {
    const list = await this.deps.store.moderation.listReports(q);
    const out: ReportSummary[] = [];
    for (const r of list) out.push(await this.deps.views.report(r));
    return out;
  }

  async showReport(report_id: string): Promise<ReportDetail> {
    return this.deps.views.reportDetail(await this.requireReport(report_id));
  }

  async resolveReport(
    actor: Actor,
    report_id: string,
    req: ResolveReportRequest,
  ): Promise<{ report: ReportDetail; strike: StrikeView | null }> {
    const { store, clock, policy, strikes } = this.deps;
    const report = await this.requireReport(report_id);
    if (report.status !== 'open' || !report.reported) throw new OmeChatError('ALREADY_DECIDED');
    const reported = report.reported;
    const rule = req.rule ?? report.reason;
    if (req.action !== 'dismiss' && !(await store.getUser(reported)))
      throw new OmeChatError('NOT_FOUND', {
        message: 'The reported account no longer exists; dismiss the report.',
      });
    const duration =
      req.action === 'ban'
        ? await this.banDuration(reported, rule, req.duration)
        : req.action === 'restrict'
          ? (req.duration ?? '7d')
          : null;
    // Claim the report first, so two moderators cannot both act on it.
    const strike_id = req.action === 'dismiss' ? null : randomHash(16);
    const now = clock.now();
    const claimed = await store.moderation.resolveReport(report_id, {
      resolution: req.action,
      resolved_at: now,
      resolved_by: actor.name,
      strike_id,
      evidence_expires_at: now + policy.resolvedEvidenceMs,
    });
    if (!claimed) throw new OmeChatError('ALREADY_DECIDED');
    await this.deps.audit.record(
      actor,
      `report.${req.action}`,
      { kind: 'report', id: report_id },
      req.statement,
    );
    let strike: StrikeView | null = null;
    if (req.action !== 'dismiss') {
      const kind = req.action === 'warn' ? 'warning' : req.action === 'restrict' ? 'restriction' : 'ban';
      const record = await strikes.impose({
        strike_id: strike_id!,
        user_hash: reported,
        kind,
        rule,
        duration,
        facts: req.statement,
        automated: false,
        report_id,
        decided_by: actor.name,
      });
      await this.deps.audit.record(
        actor,
        `account.${kind}`,
        { kind: 'account', id: reported },
        `${record.strike_id} (${duration ?? 'no duration'}, ${rule}) after report ${report_id}: ${req.statement}`,
      );
      strike = await this.deps.standing.view(record);
    }
    await this.settleAutomaticRestrictions(reported, actor, req.action === 'dismiss');
    return { report: await this.showReport(report_id), strike };
  }

  /** Dismisses many open reports at once (a report flood), each recorded in the audit log. */
  async bulkDismiss(actor: Actor, req: BulkDismissRequest): Promise<{ dismissed: number }> {
    const { store, clock, policy } = this.deps;
    const ids = [...(req.report_ids ?? [])];
    if (req.reported) {
      const open = await store.moderation.listReports({ status: 'open', reported: req.reported, limit: 200 });
      ids.push(...open.map((r) => r.report_id));
    }
    const accounts = new Set<string>();
    let dismissed = 0;
    for (const id of new Set(ids)) {
      const report = await store.moderation.getReport(id);
      if (!report || report.status !== 'open') continue;
      const now = clock.now();
      const ok = await store.moderation.resolveReport(id, {
        resolution: 'dismiss',
        resolved_at: now,
        resolved_by: actor.name,
        strike_id: null,
        evidence_expires_at: now + policy.resolvedEvidenceMs,
      });
      if (!ok) continue;
      dismissed++;
      if (report.reported) accounts.add(report.reported);
      await this.deps.audit.record(actor, 'report.dismiss', { kind: 'report', id }, `bulk: ${req.statement}`);
    }
    for (const u of accounts) await this.settleAutomaticRestrictions(u, actor, true);
    return { dismissed };
  }

  /** A ban on the moderator's own initiative (not tied to a report). */
  async ban(actor: Actor, user_hash: string, req: BanRequest): Promise<StrikeView> {
    if (!(await this.deps.store.getUser(user_hash))) throw new OmeChatError('NOT_FOUND');
    const duration = await this.banDuration(user_hash, req.rule, req.duration);
    const record = await this.deps.strikes.impose({
      user_hash,
      kind: 'ban',
      rule: req.rule,
      duration,
      facts: req.statement,
      automated: false,
      report_id: null,
      decided_by: actor.name,
    });
    await this.deps.audit.record(
      actor,
      'account.ban',
      { kind: 'account', id: user_hash },
      `${record.strike_id} (${duration}, ${req.rule}): ${req.statement}`,
    );
    await this.settleAutomaticRestrictions(user_hash, actor, false);
    return this.deps.standing.view(record);
  }

  /** Lifts every ban and restriction in force on the account. */
  async unban(actor: Actor, user_hash: string, statement: string): Promise<{ lifted: number }> {
    const now = this.deps.clock.now();
    let lifted = 0;
    for (const s of await this.deps.store.moderation.listStrikes(user_hash)) {
      if (!isInForce(s, now) || !(await this.deps.strikes.lift(s.strike_id, 'lifted'))) continue;
      lifted++;
      await this.deps.audit.record(
        actor,
        `account.${s.kind}.lift`,
        { kind: 'account', id: user_hash },
        `${s.strike_id}: ${statement}`,
      );
    }
    return { lifted };
  }

  async account(user_hash: string): Promise<AccountSummary> {
    const summary = await this.deps.views.account(user_hash);
    if (!summary.exists && summary.strikes.length === 0) throw new OmeChatError('NOT_FOUND');
    return summary;
  }

  async listAppeals(q: { status: 'open' | 'decided'; limit: number }): Promise<AdminAppeal[]> {
    const out: AdminAppeal[] = [];
    for (const a of await this.deps.store.moderation.listAppeals(q)) {
      const view = await this.deps.views.appeal(a);
      if (view) out.push(view);
    }
    return out;
  }

  async showAppeal(appeal_id: string): Promise<AdminAppeal> {
    const a = await this.deps.store.moderation.getAppeal(appeal_id);
    const view = a && (await this.deps.views.appeal(a));
    if (!view) throw new OmeChatError('NOT_FOUND');
    return view;
  }

  /** Only a person decides an appeal; overruling marks the strike overruled (and so ends it). */
  async decideAppeal(actor: Actor, appeal_id: string, req: DecideAppealRequest): Promise<AdminAppeal> {
    if (actor.kind !== 'moderator') throw new OmeChatError('FORBIDDEN');
    const appeal = await this.showAppeal(appeal_id);
    const status = req.decision === 'uphold' ? 'upheld' : 'overruled';
    const ok = await this.deps.store.moderation.decideAppeal(appeal_id, {
      status,
      decided_at: this.deps.clock.now(),
      decided_by: actor.name,
      decision_reason: req.reason,
    });
    if (!ok) throw new OmeChatError('ALREADY_DECIDED');
    if (status === 'overruled') await this.deps.strikes.lift(appeal.strike.strike_id, 'overruled');
    await this.deps.audit.record(
      actor,
      `appeal.${req.decision}`,
      { kind: 'appeal', id: appeal_id },
      `strike ${appeal.strike.strike_id}: ${req.reason}`,
    );
    return this.showAppeal(appeal_id);
  }

  async addNote(actor: Actor, target_kind: 'report' | 'appeal', target_id: string, text: string) {
    const exists =
      target_kind === 'report'
        ? (await this.requireReport(target_id)).purged === false
        : (await this.deps.store.moderation.getAppeal(target_id)) !== null;
    if (!exists) throw new OmeChatError('NOT_FOUND');
    const note = {
      note_id: randomHash(16),
      target_kind,
      target_id,
      author: actor.name,
      created_at: this.deps.clock.now(),
      text,
    };
    await this.deps.store.moderation.addNote(note);
    await this.deps.audit.record(
      actor,
      `${target_kind}.note`,
      { kind: target_kind, id: target_id },
      'internal note added',
    );
    return { note_id: note.note_id, author: note.author, created_at: note.created_at, text: note.text };
  }

  async listAudit(q: { limit: number; before?: number | undefined }): Promise<AuditEntry[]> {
    return this.deps.store.moderation.listAudit(q);
  }

  /**
   * Retention (docs/security.md): reports nobody resolved in time close as `expired` (lifting an
   * automatic restriction that has nothing left to be reviewed against); evidence of resolved
   * reports past their window is deleted; report windows and old audit entries go.
   */
  async sweepRetention(): Promise<{ expired: number; purged: number; windows: number; audit: number }> {
    const { store, clock, policy } = this.deps;
    const now = clock.now();
    let expired = 0;
    for (const r of await store.moderation.listExpiredOpenReports(now, 500)) {
      const ok = await store.moderation.resolveReport(r.report_id, {
        resolution: 'expired',
        resolved_at: now,
        resolved_by: SYSTEM_ACTOR.name,
        strike_id: null,
        evidence_expires_at: now,
      });
      if (!ok) continue;
      expired++;
      await this.deps.audit.record(
        SYSTEM_ACTOR,
        'report.expire',
        { kind: 'report', id: r.report_id },
        'unresolved past the evidence retention',
      );
      if (r.reported) await this.settleAutomaticRestrictions(r.reported, SYSTEM_ACTOR, true);
    }
    return {
      expired,
      purged: await store.moderation.purgeEvidence(now),
      windows: await store.moderation.deleteExpiredReportWindows(now),
      audit: await store.moderation.deleteAuditBefore(now - policy.auditRetentionMs),
    };
  }

  /** Counts for /metrics: open reports by reason, the oldest open report's age, resolution totals. */
  async stats() {
    const { moderation } = this.deps.store;
    const oldest = await moderation.oldestOpenReportAt();
    return {
      open: await moderation.countOpenReportsByReason(),
      oldestOpenMs: oldest === null ? 0 : Math.max(0, this.deps.clock.now() - oldest),
      totals: await moderation.resolutionTotals(),
    };
  }

  private async requireReport(report_id: string): Promise<ReportRecord> {
    const r = await this.deps.store.moderation.getReport(report_id);
    if (!r) throw new OmeChatError('NOT_FOUND');
    return r;
  }

  private async banDuration(
    user_hash: string,
    rule: ReportReason,
    asked: SanctionDuration | undefined,
  ): Promise<SanctionDuration> {
    // A confirmed sexual_content_minor is permanent whatever was asked.
    if (rule === 'sexual_content_minor') return 'permanent';
    return asked ?? (await this.deps.standing.nextBan(user_hash, rule));
  }

  /**
   * Automatic restrictions wait for a person. Any decision on the account supersedes them; a
   * dismissal lifts them once no open report against the account is left.
   */
  private async settleAutomaticRestrictions(user_hash: string, actor: Actor, onlyWhenNoneOpen: boolean) {
    const { store, clock } = this.deps;
    if (
      onlyWhenNoneOpen &&
      (await store.moderation.listReports({ status: 'open', reported: user_hash, limit: 1 })).length > 0
    )
      return;
    const now = clock.now();
    for (const s of await store.moderation.listStrikes(user_hash)) {
      if (!s.automated || s.kind !== 'restriction' || !isInForce(s, now)) continue;
      if (!(await this.deps.strikes.lift(s.strike_id, 'lifted'))) continue;
      await this.deps.audit.record(
        actor,
        'account.restriction.lift',
        { kind: 'account', id: user_hash },
        `automatic restriction ${s.strike_id} ${onlyWhenNoneOpen ? 'lifted: no open report left' : 'superseded by a decision'}`,
      );
    }
  }
}
