import type pg from 'pg';
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
import type { PostgresQueries } from './postgres-queries.js';

const PURGEABLE = `purged = FALSE AND status = 'resolved' AND evidence_expires_at <= $1`;
// Column lists of multi-column inserts, in the order of the values passed.
const REPORT_COLS = (
  'report_id dedupe reporter reported reporter_band reason severity note created_at status resolution ' +
  'resolved_at resolved_by strike_id evidence_expires_at purged'
).split(' ') as (keyof ReportRecord)[];
const STRIKE_COLS = (
  'strike_id appeal_id user_hash kind reason automated report_id created_at ends_at status lifted_at ' +
  'decided_by statement applied_at'
).split(' ') as (keyof StrikeRecord)[];

const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

/** ModerationStore on the PostgresStore's pool (through its PostgresQueries). */
export class PostgresModerationStore implements ModerationStore {
  constructor(private readonly db: PostgresQueries) {}

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.db.q<R>(text, values)).rows;
  }

  private async count(text: string, values: unknown[]): Promise<number> {
    return (await this.db.q(text, values)).rowCount ?? 0;
  }

  async putReportWindow(w: ReportWindowRecord): Promise<void> {
    await this.db.q(
      `INSERT INTO report_windows (lookup, box, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (lookup) DO UPDATE SET box = excluded.box, expires_at = excluded.expires_at`,
      [w.lookup, w.box, w.expires_at],
    );
  }

  async getReportWindow(lookup: string, now: number): Promise<ReportWindowRecord | null> {
    const r = await this.rows<ReportWindowRecord>(
      'SELECT * FROM report_windows WHERE lookup = $1 AND expires_at > $2',
      [lookup, now],
    );
    return r[0] ?? null;
  }

  async deleteExpiredReportWindows(now: number): Promise<number> {
    return this.count('DELETE FROM report_windows WHERE expires_at <= $1', [now]);
  }

  async createReport(
    report: ReportRecord,
    evidence: EvidenceRecord[],
    cap: { since: number; max: number },
  ): Promise<CreateReportOutcome> {
    return this.db.tx(async (c): Promise<CreateReportOutcome> => {
      // One reporter's reports are counted and inserted one at a time, across nodes.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`report:${report.reporter}`]);
      if ((await c.query('SELECT 1 FROM reports WHERE dedupe = $1', [report.dedupe])).rowCount)
        return { status: 'duplicate' };
      const counted = (
        await c.query<{ n: string; oldest: number | null }>(
          'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM reports WHERE reporter = $1 AND created_at >= $2',
          [report.reporter, cap.since],
        )
      ).rows[0]!;
      if (Number(counted.n) >= cap.max) return { status: 'capped', oldest_at: counted.oldest ?? cap.since };
      const inserted = await c.query(
        `INSERT INTO reports (${REPORT_COLS.join(', ')}) VALUES (${placeholders(REPORT_COLS.length)})
         ON CONFLICT (dedupe) DO NOTHING`,
        REPORT_COLS.map((k) => report[k]),
      );
      // A concurrent report of the same chat by the same reporter won the unique index.
      if (inserted.rowCount !== 1) return { status: 'duplicate' };
      if (evidence.length > 0) {
        const cols = ['report_id', 'seq', 'msg_id', 'ts', 'kid', 'body', 'kf', 'cf', 'rf'] as const;
        const values: unknown[] = [];
        const tuples = evidence.map((e, i) => {
          for (const k of cols) values.push(e[k]);
          return `(${placeholders(cols.length, i * cols.length + 1)})`;
        });
        await c.query(`INSERT INTO report_evidence (${cols.join(', ')}) VALUES ${tuples.join(', ')}`, values);
      }
      return { status: 'created' };
    });
  }

  async getReport(report_id: string): Promise<ReportRecord | null> {
    const r = await this.rows('SELECT * FROM reports WHERE report_id = $1', [report_id]);
    return r[0] ? toReportRecord(r[0]) : null;
  }

  async listEvidence(report_id: string): Promise<EvidenceRecord[]> {
    return this.rows<EvidenceRecord>('SELECT * FROM report_evidence WHERE report_id = $1 ORDER BY seq', [
      report_id,
    ]);
  }

  async listReports(q: {
    status: 'open' | 'resolved';
    reason?: ReportReason | undefined;
    reported?: string | undefined;
    limit: number;
  }): Promise<ReportRecord[]> {
    const values: unknown[] = [q.status];
    const where = ['status = $1'];
    if (q.reason) where.push(`reason = $${values.push(q.reason)}`);
    if (q.reported) where.push(`reported = $${values.push(q.reported)}`);
    const order = q.status === 'open' ? 'severity, created_at, report_id' : 'resolved_at DESC, report_id';
    values.push(q.limit);
    const rows = await this.rows(
      `SELECT * FROM reports WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${values.length}`,
      values,
    );
    return rows.map(toReportRecord);
  }

  async countOpenReporters(reported: string, since: number): Promise<number> {
    const r = await this.rows<{ n: string }>(
      `SELECT COUNT(DISTINCT reporter) AS n FROM reports WHERE reported = $1 AND status = 'open' AND created_at >= $2`,
      [reported, since],
    );
    return Number(r[0]!.n);
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
    const n = await this.count(
      `UPDATE reports SET status = 'resolved', resolution = $2, resolved_at = $3, resolved_by = $4,
         strike_id = $5, evidence_expires_at = $6 WHERE report_id = $1 AND status = 'open'`,
      [report_id, r.resolution, r.resolved_at, r.resolved_by, r.strike_id, r.evidence_expires_at],
    );
    return n === 1;
  }

  async listExpiredOpenReports(now: number, limit: number): Promise<ReportRecord[]> {
    const rows = await this.rows(
      `SELECT * FROM reports WHERE status = 'open' AND evidence_expires_at <= $1 ORDER BY created_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toReportRecord);
  }

  async purgeEvidence(now: number): Promise<number> {
    return this.db.tx(async (c) => {
      await c.query(
        `DELETE FROM report_evidence WHERE report_id IN (SELECT report_id FROM reports WHERE ${PURGEABLE})`,
        [now],
      );
      await c.query(
        `DELETE FROM moderation_notes WHERE target_kind = 'report'
           AND target_id IN (SELECT report_id FROM reports WHERE ${PURGEABLE})`,
        [now],
      );
      const r = await c.query(
        `UPDATE reports SET reporter = NULL, reported = NULL, reporter_band = NULL, note = NULL, purged = TRUE
         WHERE ${PURGEABLE}`,
        [now],
      );
      return r.rowCount ?? 0;
    });
  }

  async countOpenReportsByReason(): Promise<{ reason: ReportReason; count: number }[]> {
    const r = await this.rows<{ reason: ReportReason; count: string }>(
      `SELECT reason, COUNT(*) AS count FROM reports WHERE status = 'open' GROUP BY reason`,
    );
    return r.map((x) => ({ reason: x.reason, count: Number(x.count) }));
  }

  async oldestOpenReportAt(): Promise<number | null> {
    const r = await this.rows<{ at: number | null }>(
      `SELECT MIN(created_at) AS at FROM reports WHERE status = 'open'`,
    );
    return r[0]?.at ?? null;
  }

  async resolutionTotals(): Promise<{ resolution: ReportResolution; count: number; total_ms: number }[]> {
    const r = await this.rows<{ resolution: ReportResolution; count: string; total_ms: string }>(
      `SELECT resolution, COUNT(*) AS count, SUM(resolved_at - created_at) AS total_ms
       FROM reports WHERE status = 'resolved' GROUP BY resolution`,
    );
    return r.map((x) => ({ resolution: x.resolution, count: Number(x.count), total_ms: Number(x.total_ms) }));
  }

  async createStrike(s: StrikeRecord): Promise<void> {
    await this.db.q(
      `INSERT INTO strikes (${STRIKE_COLS.join(', ')}) VALUES (${placeholders(STRIKE_COLS.length)})`,
      STRIKE_COLS.map((k) => s[k]),
    );
  }

  async getStrike(strike_id: string): Promise<StrikeRecord | null> {
    const r = await this.rows('SELECT * FROM strikes WHERE strike_id = $1', [strike_id]);
    return r[0] ? toStrikeRecord(r[0]) : null;
  }

  async getStrikeByAppealId(appeal_id: string): Promise<StrikeRecord | null> {
    const r = await this.rows('SELECT * FROM strikes WHERE appeal_id = $1', [appeal_id]);
    return r[0] ? toStrikeRecord(r[0]) : null;
  }

  async listStrikes(user_hash: string): Promise<StrikeRecord[]> {
    const r = await this.rows(
      'SELECT * FROM strikes WHERE user_hash = $1 ORDER BY created_at DESC, strike_id',
      [user_hash],
    );
    return r.map(toStrikeRecord);
  }

  async liftStrike(strike_id: string, status: 'lifted' | 'overruled', at: number): Promise<boolean> {
    const sql =
      status === 'lifted'
        ? `UPDATE strikes SET status = 'lifted', lifted_at = $1 WHERE strike_id = $2 AND status = 'active'`
        : `UPDATE strikes SET status = 'overruled', lifted_at = COALESCE(lifted_at, $1)
           WHERE strike_id = $2 AND status <> 'overruled'`;
    return (await this.count(sql, [at, strike_id])) === 1;
  }

  async listUnappliedStrikes(limit: number): Promise<StrikeRecord[]> {
    const r = await this.rows('SELECT * FROM strikes WHERE applied_at IS NULL ORDER BY created_at LIMIT $1', [
      limit,
    ]);
    return r.map(toStrikeRecord);
  }

  async markStrikeApplied(strike_id: string, at: number): Promise<void> {
    await this.db.q('UPDATE strikes SET applied_at = $1 WHERE strike_id = $2 AND applied_at IS NULL', [
      at,
      strike_id,
    ]);
  }

  async createAppeal(a: AppealRecord): Promise<boolean> {
    const n = await this.count(
      `INSERT INTO appeals (appeal_id, strike_id, user_hash, text, created_at, status, decided_at, decided_by, decision_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        a.appeal_id,
        a.strike_id,
        a.user_hash,
        a.text,
        a.created_at,
        a.status,
        a.decided_at,
        a.decided_by,
        a.decision_reason,
      ],
    );
    return n === 1;
  }

  async getAppeal(appeal_id: string): Promise<AppealRecord | null> {
    return (
      (await this.rows<AppealRecord>('SELECT * FROM appeals WHERE appeal_id = $1', [appeal_id]))[0] ?? null
    );
  }

  async listAppeals(q: { status: 'open' | 'decided'; limit: number }): Promise<AppealRecord[]> {
    const sql =
      q.status === 'open'
        ? `SELECT * FROM appeals WHERE status = 'open' ORDER BY created_at, appeal_id LIMIT $1`
        : `SELECT * FROM appeals WHERE status <> 'open' ORDER BY decided_at DESC LIMIT $1`;
    return this.rows<AppealRecord>(sql, [q.limit]);
  }

  async listAppealsOf(user_hash: string): Promise<AppealRecord[]> {
    return this.rows<AppealRecord>('SELECT * FROM appeals WHERE user_hash = $1 ORDER BY created_at DESC', [
      user_hash,
    ]);
  }

  async decideAppeal(
    appeal_id: string,
    d: { status: 'upheld' | 'overruled'; decided_at: number; decided_by: string; decision_reason: string },
  ): Promise<boolean> {
    const n = await this.count(
      `UPDATE appeals SET status = $2, decided_at = $3, decided_by = $4, decision_reason = $5
       WHERE appeal_id = $1 AND status = 'open'`,
      [appeal_id, d.status, d.decided_at, d.decided_by, d.decision_reason],
    );
    return n === 1;
  }

  async createModerator(m: ModeratorRecord): Promise<boolean> {
    const n = await this.count(
      `INSERT INTO moderators (moderator_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [m.moderator_id, m.name, m.token_hash, m.created_at],
    );
    return n === 1;
  }

  async getModerator(moderator_id: string): Promise<ModeratorRecord | null> {
    return (
      (
        await this.rows<ModeratorRecord>('SELECT * FROM moderators WHERE moderator_id = $1', [moderator_id])
      )[0] ?? null
    );
  }

  async getModeratorByName(name: string): Promise<ModeratorRecord | null> {
    return (await this.rows<ModeratorRecord>('SELECT * FROM moderators WHERE name = $1', [name]))[0] ?? null;
  }

  async listModerators(): Promise<ModeratorRecord[]> {
    return this.rows<ModeratorRecord>('SELECT * FROM moderators ORDER BY name');
  }

  async deleteModerator(name: string): Promise<boolean> {
    return (await this.count('DELETE FROM moderators WHERE name = $1', [name])) === 1;
  }

  async appendAudit(e: NewAuditRecord): Promise<void> {
    await this.db.q(
      `INSERT INTO moderation_audit (at, actor_kind, actor, action, target_kind, target_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.at, e.actor_kind, e.actor, e.action, e.target_kind, e.target_id, e.reason],
    );
  }

  async listAudit(q: { limit: number; before?: number | undefined }): Promise<AuditRecord[]> {
    return this.rows<AuditRecord>(
      'SELECT * FROM moderation_audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2',
      [q.before ?? Number.MAX_SAFE_INTEGER, q.limit],
    );
  }

  async deleteAuditBefore(at: number): Promise<number> {
    return this.count('DELETE FROM moderation_audit WHERE at < $1', [at]);
  }

  async addNote(n: NoteRecord): Promise<void> {
    await this.db.q(
      `INSERT INTO moderation_notes (note_id, target_kind, target_id, author, created_at, text)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [n.note_id, n.target_kind, n.target_id, n.author, n.created_at, n.text],
    );
  }

  async listNotes(target_kind: NoteRecord['target_kind'], target_id: string): Promise<NoteRecord[]> {
    return this.rows<NoteRecord>(
      `SELECT * FROM moderation_notes WHERE target_kind = $1 AND target_id = $2 ORDER BY created_at, note_id`,
      [target_kind, target_id],
    );
  }

  async deleteEnvelopesFrom(user_hash: string): Promise<string[]> {
    const r = await this.rows<{ recipient_client: string }>(
      'DELETE FROM envelopes WHERE from_user = $1 RETURNING recipient_client',
      [user_hash],
    );
    return [...new Set(r.map((x) => x.recipient_client))];
  }
}
