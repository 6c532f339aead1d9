import type { AccountSummary, AdminAppeal, AgeBand, ReportDetail, ReportSummary } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { AccountStore, AppealRecord, ModerationStore, ReportRecord } from '../../ports/store.js';
import { dayString } from '../day-string.js';
import { ageBand, currentAge } from '../matching/atss.js';
import { nextBanDuration } from './escalation-ladder.js';
import { isInForce, strikeSummary, strikeView } from './strike-view.js';

export interface ModerationViewsDeps {
  store: AccountStore & { moderation: ModerationStore };
  clock: Clock;
  appealWindowMs: number;
}

/** What moderators see: reports with their evidence, the reported account's record, appeals. */
export class ModerationViews {
  constructor(private readonly deps: ModerationViewsDeps) {}

  async account(user_hash: string): Promise<AccountSummary> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const user = await store.getUser(user_hash);
    const strikes = await store.moderation.listStrikes(user_hash);
    const age = user ? currentAge(user.age_at_signup, user.created_at, now) : null;
    const inForce = strikes.filter((s) => isInForce(s, now));
    const bans = strikes.filter((s) => s.kind === 'ban' && s.status !== 'overruled').length;
    return {
      user_hash,
      exists: user !== null,
      username: user?.username ?? null,
      age,
      age_band: age === null ? null : ageBand(age),
      signup_day: user ? dayString(user.created_at) : null,
      last_active_day: user?.last_seen_day ?? null,
      standing: inForce.some((s) => s.kind === 'ban')
        ? 'banned'
        : inForce.some((s) => s.kind === 'restriction')
          ? 'restricted'
          : 'ok',
      strikes: strikes.map((s) => strikeSummary(s, now)),
      next_ban: nextBanDuration(bans, 'other'),
    };
  }

  async report(r: ReportRecord): Promise<ReportSummary> {
    const { moderation } = this.deps.store;
    const evidence = r.purged ? null : await moderation.listEvidence(r.report_id);
    return {
      report_id: r.report_id,
      reason: r.reason,
      severity: r.severity,
      status: r.status,
      created_at: r.created_at,
      note: r.note,
      reporter_age_band: (r.reporter_band as AgeBand | null) ?? null,
      distinct_reporters: r.reported ? await moderation.countOpenReporters(r.reported, 0) : 0,
      evidence: evidence && evidence.map((e) => ({ msg_id: e.msg_id, ts: e.ts, body: e.body })),
      reported: r.reported ? await this.account(r.reported) : null,
      resolution:
        r.status === 'resolved' && r.resolution && r.resolved_at !== null
          ? {
              action: r.resolution,
              resolved_at: r.resolved_at,
              resolved_by: r.resolved_by ?? 'system',
              strike_id: r.strike_id,
            }
          : null,
    };
  }

  async reportDetail(r: ReportRecord): Promise<ReportDetail> {
    return { ...(await this.report(r)), notes: await this.notes('report', r.report_id) };
  }

  async appeal(a: AppealRecord): Promise<AdminAppeal | null> {
    const { moderation } = this.deps.store;
    const strike = await moderation.getStrike(a.strike_id);
    if (!strike) return null;
    return {
      appeal_id: a.appeal_id,
      status: a.status,
      created_at: a.created_at,
      text: a.text,
      decided_at: a.decided_at,
      decided_by: a.decided_by,
      decision_reason: a.decision_reason,
      strike: strikeView(strike, a, this.deps.clock.now(), this.deps.appealWindowMs),
      account: await this.account(a.user_hash),
      notes: await this.notes('appeal', a.appeal_id),
    };
  }

  private async notes(kind: 'report' | 'appeal', id: string) {
    return (await this.deps.store.moderation.listNotes(kind, id)).map((n) => ({
      note_id: n.note_id,
      author: n.author,
      created_at: n.created_at,
      text: n.text,
    }));
  }
}
