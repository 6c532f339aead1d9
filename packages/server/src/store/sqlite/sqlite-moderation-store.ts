import type Database from 'better-sqlite3';
import type { ReportReason } from '@omechat/protocol';
import type {
  AppealRecord,
  AuditRecord,
  CreateReportOutcome,
  EvidenceRecord,
  ModerationStore,
  ModeratorRecord,
  NewAuditRecord,
  NoteRecord,
  ReportRecord,
  ReportResolution,
  ReportWindowRecord,
  StrikeRecord,
} from '../../ports/store.js';
import { toReportRecord, toStrikeRecord } from '../moderation-rows.js';

const PURGEABLE = `purged = 0 AND status = 'resolved' AND evidence_expires_at <= ?`;

/** ModerationStore on the SqliteStore's database (same file, same transactions). */
export class SqliteModerationStore implements ModerationStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      putWindow: p(
        `INSERT INTO report_windows (lookup, box, expires_at) VALUES (@lookup, @box, @expires_at)
         ON CONFLICT (lookup) DO UPDATE SET box = excluded.box, expires_at = excluded.expires_at`,
      ),
      getWindow: p('SELECT * FROM report_windows WHERE lookup = ? AND expires_at > ?'),
      deleteWindows: p('DELETE FROM report_windows WHERE expires_at <= ?'),
      dedupeExists: p('SELECT 1 FROM reports WHERE dedupe = ?'),
      countBy: p(
        'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM reports WHERE reporter = ? AND created_at >= ?',
      ),
      insertReport: p(
        `INSERT INTO reports (report_id, dedupe, reporter, reported, reporter_band, reason, severity, note, created_at,
           status, resolution, resolved_at, resolved_by, strike_id, evidence_expires_at, purged)
         VALUES (@report_id, @dedupe, @reporter, @reported, @reporter_band, @reason, @severity, @note, @created_at,
           @status, @resolution, @resolved_at, @resolved_by, @strike_id, @evidence_expires_at, @purged)`,
      ),
      insertEvidence: p(
        `INSERT INTO report_evidence (report_id, seq, msg_id, ts, kid, body, kf, cf, rf)
         VALUES (@report_id, @seq, @msg_id, @ts, @kid, @body, @kf, @cf, @rf)`,
      ),
      getReport: p('SELECT * FROM reports WHERE report_id = ?'),
      listEvidence: p('SELECT * FROM report_evidence WHERE report_id = ? ORDER BY seq'),
      countReporters: p(
        `SELECT COUNT(DISTINCT reporter) AS n FROM reports WHERE reported = ? AND status = 'open' AND created_at >= ?`,
      ),
      resolve: p(
        `UPDATE reports SET status = 'resolved', resolution = @resolution, resolved_at = @resolved_at,
           resolved_by = @resolved_by, strike_id = @strike_id, evidence_expires_at = @evidence_expires_at
         WHERE report_id = @report_id AND status = 'open'`,
      ),
      expiredOpen: p(
        `SELECT * FROM reports WHERE status = 'open' AND evidence_expires_at <= ? ORDER BY created_at LIMIT ?`,
      ),
      purgeEvidence: p(
        `DELETE FROM report_evidence WHERE report_id IN (SELECT report_id FROM reports WHERE ${PURGEABLE})`,
      ),
      purgeNotes: p(
        `DELETE FROM moderation_notes WHERE target_kind = 'report'
           AND target_id IN (SELECT report_id FROM reports WHERE ${PURGEABLE})`,
      ),
      purgeReports: p(
        `UPDATE reports SET reporter = NULL, reported = NULL, reporter_band = NULL, note = NULL, purged = 1
         WHERE ${PURGEABLE}`,
      ),
      openByReason: p(`SELECT reason, COUNT(*) AS count FROM reports WHERE status = 'open' GROUP BY reason`),
      oldestOpen: p(`SELECT MIN(created_at) AS at FROM reports WHERE status = 'open'`),
      totals: p(
        `SELECT resolution, COUNT(*) AS count, SUM(resolved_at - created_at) AS total_ms
         FROM reports WHERE status = 'resolved' GROUP BY resolution`,
      ),
      insertStrike: p(
        `INSERT INTO strikes (strike_id, appeal_id, user_hash, kind, reason, automated, report_id, created_at, ends_at,
           status, lifted_at, decided_by, statement, applied_at)
         VALUES (@strike_id, @appeal_id, @user_hash, @kind, @reason, @automated, @report_id, @created_at, @ends_at,
           @status, @lifted_at, @decided_by, @statement, @applied_at)`,
      ),
      getStrike: p('SELECT * FROM strikes WHERE strike_id = ?'),
      getStrikeByAppeal: p('SELECT * FROM strikes WHERE appeal_id = ?'),
      listStrikes: p('SELECT * FROM strikes WHERE user_hash = ? ORDER BY created_at DESC, strike_id'),
      lift: p(
        `UPDATE strikes SET status = 'lifted', lifted_at = ? WHERE strike_id = ? AND status = 'active'`,
      ),
      overrule: p(
        `UPDATE strikes SET status = 'overruled', lifted_at = COALESCE(lifted_at, ?)
         WHERE strike_id = ? AND status <> 'overruled'`,
      ),
      unapplied: p('SELECT * FROM strikes WHERE applied_at IS NULL ORDER BY created_at LIMIT ?'),
      markApplied: p('UPDATE strikes SET applied_at = ? WHERE strike_id = ? AND applied_at IS NULL'),
      insertAppeal: p(
        `INSERT INTO appeals (appeal_id, strike_id, user_hash, text, created_at, status, decided_at, decided_by, decision_reason)
         VALUES (@appeal_id, @strike_id, @user_hash, @text, @created_at, @status, @decided_at, @decided_by, @decision_reason)
         ON CONFLICT DO NOTHING`,
      ),
      getAppeal: p('SELECT * FROM appeals WHERE appeal_id = ?'),
      openAppeals: p(`SELECT * FROM appeals WHERE status = 'open' ORDER BY created_at, appeal_id LIMIT ?`),
      decidedAppeals: p(`SELECT * FROM appeals WHERE status <> 'open' ORDER BY decided_at DESC LIMIT ?`),
      appealsOf: p('SELECT * FROM appeals WHERE user_hash = ? ORDER BY created_at DESC'),
      decide: p(
        `UPDATE appeals SET status = @status, decided_at = @decided_at, decided_by = @decided_by,
           decision_reason = @decision_reason WHERE appeal_id = @appeal_id AND status = 'open'`,
      ),
      insertModerator: p(
        `INSERT INTO moderators (moderator_id, name, token_hash, created_at)
         VALUES (@moderator_id, @name, @token_hash, @created_at) ON CONFLICT DO NOTHING`,
      ),
      getModerator: p('SELECT * FROM moderators WHERE moderator_id = ?'),
      getModeratorByName: p('SELECT * FROM moderators WHERE name = ?'),
      listModerators: p('SELECT * FROM moderators ORDER BY name'),
      deleteModerator: p('DELETE FROM moderators WHERE name = ?'),
      insertAudit: p(
        `INSERT INTO moderation_audit (at, actor_kind, actor, action, target_kind, target_id, reason)
         VALUES (@at, @actor_kind, @actor, @action, @target_kind, @target_id, @reason)`,
      ),
      listAudit: p('SELECT * FROM moderation_audit WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
      deleteAudit: p('DELETE FROM moderation_audit WHERE at < ?'),
      insertNote: p(
        `INSERT INTO moderation_notes (note_id, target_kind, target_id, author, created_at, text)
         VALUES (@note_id, @target_kind, @target_id, @author, @created_at, @text)`,
      ),
      listNotes: p(
        'SELECT * FROM moderation_notes WHERE target_kind = ? AND target_id = ? ORDER BY created_at, note_id',
      ),
      deleteFrom: p('DELETE FROM envelopes WHERE from_user = ? RETURNING recipient_client'),
    };
  }

  async putReportWindow(w: ReportWindowRecord): Promise<void> {
    this.s.putWindow.run(w);
  }

  async getReportWindow(lookup: string, now: number): Promise<ReportWindowRecord | null> {
    return (this.s.getWindow.get(lookup, now) as ReportWindowRecord | undefined) ?? null;
  }

  async deleteExpiredReportWindows(now: number): Promise<number> {
    return this.s.deleteWindows.run(now).changes;
  }

  async createReport(
    report: ReportRecord,
    evidence: EvidenceRecord[],
    cap: { since: number; max: number },
  ): Promise<CreateReportOutcome> {
    return this.db.transaction((): CreateReportOutcome => {
      if (this.s.dedupeExists.get(report.dedupe)) return { status: 'duplicate' };
      const c = this.s.countBy.get(report.reporter, cap.since) as { n: number; oldest: number | null };
      if (c.n >= cap.max) return { status: 'capped', oldest_at: c.oldest ?? cap.since };
      this.s.insertReport.run({ ...report, purged: report.purged ? 1 : 0 });
      for (const e of evidence) this.s.insertEvidence.run(e);
      return { status: 'created' };
    })();
  }

  async getReport(report_id: string): Promise<ReportRecord | null> {
    const row = this.s.getReport.get(report_id);
    return row ? toReportRecord(row) : null;
  }

  async listEvidence(report_id: string): Promise<EvidenceRecord[]> {
    return this.s.listEvidence.all(report_id) as EvidenceRecord[];
  }

  async listReports(q: {
    status: 'open' | 'resolved';
    reason?: ReportReason | undefined;
    reported?: string | undefined;
    limit: number;
  }): Promise<ReportRecord[]> {
    const where = ['status = @status'];
    if (q.reason) where.push('reason = @reason');
    if (q.reported) where.push('reported = @reported');
    const order = q.status === 'open' ? 'severity, created_at, report_id' : 'resolved_at DESC, report_id';
    const rows = this.db
      .prepare(`SELECT * FROM reports WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT @limit`)
      .all({ status: q.status, reason: q.reason ?? null, reported: q.reported ?? null, limit: q.limit });
    return rows.map(toReportRecord);
  }

  async countOpenReporters(reported: string, since: number): Promise<number> {
    return (this.s.countReporters.get(reported, since) as { n: number }).n;
  }

  async resolveReport(
    report_id: string,
    r: {
      resolution: ReportResolution;
      resolved_at: number;
      resolved_by: string;
      strike_id: string | null;
      evidence_expires_at: number;
    },
  ): Promise<boolean> {
    return this.s.resolve.run({ report_id, ...r }).changes === 1;
  }

  async listExpiredOpenReports(now: number, limit: number): Promise<ReportRecord[]> {
    return this.s.expiredOpen.all(now, limit).map(toReportRecord);
  }

  async purgeEvidence(now: number): Promise<number> {
    return this.db.transaction(() => {
      this.s.purgeEvidence.run(now);
      this.s.purgeNotes.run(now);
      return this.s.purgeReports.run(now).changes;
    })();
  }

  async countOpenReportsByReason(): Promise<{ reason: ReportReason; count: number }[]> {
    return this.s.openByReason.all() as { reason: ReportReason; count: number }[];
  }

  async oldestOpenReportAt(): Promise<number | null> {
    return (this.s.oldestOpen.get() as { at: number | null }).at;
  }

  async resolutionTotals(): Promise<{ resolution: ReportResolution; count: number; total_ms: number }[]> {
    return this.s.totals.all() as { resolution: ReportResolution; count: number; total_ms: number }[];
  }

  async createStrike(s: StrikeRecord): Promise<void> {
    this.s.insertStrike.run({ ...s, automated: s.automated ? 1 : 0 });
  }

  async getStrike(strike_id: string): Promise<StrikeRecord | null> {
    const row = this.s.getStrike.get(strike_id);
    return row ? toStrikeRecord(row) : null;
  }

  async getStrikeByAppealId(appeal_id: string): Promise<StrikeRecord | null> {
    const row = this.s.getStrikeByAppeal.get(appeal_id);
    return row ? toStrikeRecord(row) : null;
  }

  async listStrikes(user_hash: string): Promise<StrikeRecord[]> {
    return this.s.listStrikes.all(user_hash).map(toStrikeRecord);
  }

  async liftStrike(strike_id: string, status: 'lifted' | 'overruled', at: number): Promise<boolean> {
    const stmt = status === 'lifted' ? this.s.lift : this.s.overrule;
    return stmt.run(at, strike_id).changes === 1;
  }

  async listUnappliedStrikes(limit: number): Promise<StrikeRecord[]> {
    return this.s.unapplied.all(limit).map(toStrikeRecord);
  }

  async markStrikeApplied(strike_id: string, at: number): Promise<void> {
    this.s.markApplied.run(at, strike_id);
  }

  async createAppeal(a: AppealRecord): Promise<boolean> {
    return this.s.insertAppeal.run(a).changes === 1;
  }

  async getAppeal(appeal_id: string): Promise<AppealRecord | null> {
    return (this.s.getAppeal.get(appeal_id) as AppealRecord | undefined) ?? null;
  }

  async listAppeals(q: { status: 'open' | 'decided'; limit: number }): Promise<AppealRecord[]> {
    const stmt = q.status === 'open' ? this.s.openAppeals : this.s.decidedAppeals;
    return stmt.all(q.limit) as AppealRecord[];
  }

  async listAppealsOf(user_hash: string): Promise<AppealRecord[]> {
    return this.s.appealsOf.all(user_hash) as AppealRecord[];
  }

  async decideAppeal(
    appeal_id: string,
    d: { status: 'upheld' | 'overruled'; decided_at: number; decided_by: string; decision_reason: string },
  ): Promise<boolean> {
    return this.s.decide.run({ appeal_id, ...d }).changes === 1;
  }

  async createModerator(m: ModeratorRecord): Promise<boolean> {
    return this.s.insertModerator.run(m).changes === 1;
  }

  async getModerator(moderator_id: string): Promise<ModeratorRecord | null> {
    return (this.s.getModerator.get(moderator_id) as ModeratorRecord | undefined) ?? null;
  }

  async getModeratorByName(name: string): Promise<ModeratorRecord | null> {
    return (this.s.getModeratorByName.get(name) as ModeratorRecord | undefined) ?? null;
  }

  async listModerators(): Promise<ModeratorRecord[]> {
    return this.s.listModerators.all() as ModeratorRecord[];
  }

  async deleteModerator(name: string): Promise<boolean> {
    return this.s.deleteModerator.run(name).changes === 1;
  }

  async appendAudit(e: NewAuditRecord): Promise<void> {
    this.s.insertAudit.run(e);
  }

  async listAudit(q: { limit: number; before?: number | undefined }): Promise<AuditRecord[]> {
    return this.s.listAudit.all(q.before ?? Number.MAX_SAFE_INTEGER, q.limit) as AuditRecord[];
  }

  async deleteAuditBefore(at: number): Promise<number> {
    return this.s.deleteAudit.run(at).changes;
  }

  async addNote(n: NoteRecord): Promise<void> {
    this.s.insertNote.run(n);
  }

  async listNotes(target_kind: NoteRecord['target_kind'], target_id: string): Promise<NoteRecord[]> {
    return this.s.listNotes.all(target_kind, target_id) as NoteRecord[];
  }

  async deleteEnvelopesFrom(user_hash: string): Promise<string[]> {
    const rows = this.s.deleteFrom.all(user_hash) as { recipient_client: string }[];
    return [...new Set(rows.map((r) => r.recipient_client))];
  }
}
