import type { AppealStatus, ReportReason, StrikeKind } from '@omechat/protocol';

/**
 * The moderation part of the storage port (MLBS: reports, evidence, strikes, appeals, moderators,
 * audit). Every Store exposes one as `store.moderation`; both adapters pass
 * store/moderation-store-contract.ts. What is kept and for how long: docs/security.md.
 */

/** A sealed proof that a chat existed, one per member, kept for the report window after it ended. */
export interface ReportWindowRecord {
  /** HMAC of (chat id, member) under a server key: opaque without the chat id. */
  lookup: string;
  /** The partner and the chat's start and end, sealed under a key only the chat id unlocks. */
  box: string;
  expires_at: number;
}

export type ReportResolution = 'dismiss' | 'warn' | 'restrict' | 'ban' | 'expired';

export interface ReportRecord {
  report_id: string;
  /** HMAC of (chat id, reporter): one report per reporter per chat, opaque without the chat id. */
  dedupe: string;
  /** Reporter, reported account, the reporter's age band and the note are null once purged. */
  reporter: string | null;
  reported: string | null;
  reporter_band: string | null;
  reason: ReportReason;
  severity: number;
  note: string | null;
  created_at: number;
  status: 'open' | 'resolved';
  resolution: ReportResolution | null;
  resolved_at: number | null;
  resolved_by: string | null;
  strike_id: string | null;
  /** When the evidence (and who reported whom) is deleted: unresolved +90 days, or resolved + window. */
  evidence_expires_at: number;
  purged: boolean;
}

/** One verified message of a report. */
export interface EvidenceRecord {
  report_id: string;
  seq: number;
  msg_id: string;
  ts: number;
  kid: number;
  body: string;
  kf: string;
  cf: string;
  rf: string;
}

export type CreateReportOutcome =
  | { status: 'created' }
  | { status: 'duplicate' }
  /** The reporter's cap is reached; `oldest_at` is the oldest of their reports counted against it. */
  | { status: 'capped'; oldest_at: number };

export interface StrikeRecord {
  strike_id: string;
  /** The id under which this strike is appealed (given to the user with the statement). */
  appeal_id: string;
  user_hash: string;
  kind: StrikeKind;
  reason: ReportReason;
  /** Decided automatically (a restriction pending review), not by a person. */
  automated: boolean;
  report_id: string | null;
  created_at: number;
  /** null: permanent ban, or a restriction until review; a warning ends when it is made. */
  ends_at: number | null;
  /** Stored status; 'expired' is derived from ends_at. */
  status: 'active' | 'lifted' | 'overruled';
  lifted_at: number | null;
  /** `system`, or the moderator's name. */
  decided_by: string;
  /** The statement of reasons, JSON (StatementOfReasonsSchema). */
  statement: string;
  /** When a server applied its effects (sockets closed, chats ended); null until then. */
  applied_at: number | null;
}

export interface AppealRecord {
  appeal_id: string;
  strike_id: string;
  user_hash: string;
  text: string;
  created_at: number;
  status: AppealStatus;
  decided_at: number | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export interface ModeratorRecord {
  moderator_id: string;
  name: string;
  /** SHA-256 hex of the token's secret part; the token itself is shown once. */
  token_hash: string;
  created_at: number;
}

export interface AuditRecord {
  seq: number;
  at: number;
  actor_kind: 'moderator' | 'operator' | 'system';
  actor: string;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  reason: string;
}
export type NewAuditRecord = Omit<AuditRecord, 'seq'>;

export interface NoteRecord {
  note_id: string;
  target_kind: 'report' | 'appeal';
  target_id: string;
  author: string;
  created_at: number;
  text: string;
}

export interface ModerationStore {
  /** Inserts or replaces the window record of one member. */
  putReportWindow(w: ReportWindowRecord): Promise<void>;
  /** The record, unless missing or expired at `now`. */
  getReportWindow(lookup: string, now: number): Promise<ReportWindowRecord | null>;
  deleteExpiredReportWindows(now: number): Promise<number>;

  /**
   * Stores a report and its evidence, all or none, unless the reporter already reported this chat
   * (same `dedupe`) or has `cap.max` reports created at or after `cap.since` (checked atomically).
   */
  createReport(
    report: ReportRecord,
    evidence: EvidenceRecord[],
    cap: { since: number; max: number },
  ): Promise<CreateReportOutcome>;
  getReport(report_id: string): Promise<ReportRecord | null>;
  listEvidence(report_id: string): Promise<EvidenceRecord[]>;
  /** Open: most severe first, then oldest first. Resolved: newest resolution first. */
  listReports(q: {
    status: 'open' | 'resolved';
    reason?: ReportReason | undefined;
    reported?: string | undefined;
    limit: number;
  }): Promise<ReportRecord[]>;
  /** Distinct reporters with an open report against `reported` created at or after `since`. */
  countOpenReporters(reported: string, since: number): Promise<number>;
  /** Resolves an open report; false when it is not open (already resolved or unknown). */
  resolveReport(
    report_id: string,
    r: {
      resolution: ReportResolution;
      resolved_at: number;
      resolved_by: string;
      strike_id: string | null;
      evidence_expires_at: number;
    },
  ): Promise<boolean>;
  /** Open reports whose evidence time ran out (to be closed as `expired`), oldest first. */
  listExpiredOpenReports(now: number, limit: number): Promise<ReportRecord[]>;
  /**
   * Deletes the evidence and notes of resolved reports whose evidence time ran out and clears who
   * reported whom; the decision record stays. Returns how many reports were purged.
   */
  purgeEvidence(now: number): Promise<number>;
  countOpenReportsByReason(): Promise<{ reason: ReportReason; count: number }[]>;
  oldestOpenReportAt(): Promise<number | null>;
  /** Per resolution: how many reports, and the sum of their times to resolution in ms. */
  resolutionTotals(): Promise<{ resolution: ReportResolution; count: number; total_ms: number }[]>;

  createStrike(s: StrikeRecord): Promise<void>;
  getStrike(strike_id: string): Promise<StrikeRecord | null>;
  getStrikeByAppealId(appeal_id: string): Promise<StrikeRecord | null>;
  /** Every strike of the account, newest first. */
  listStrikes(user_hash: string): Promise<StrikeRecord[]>;
  /**
   * `lifted` ends an active strike early; `overruled` marks any strike not yet overruled as wrong
   * (an upheld appeal's reverse). False when the strike was not in a state that allows it.
   */
  liftStrike(strike_id: string, status: 'lifted' | 'overruled', at: number): Promise<boolean>;
  listUnappliedStrikes(limit: number): Promise<StrikeRecord[]>;
  markStrikeApplied(strike_id: string, at: number): Promise<void>;

  /** False when this strike was already appealed. */
  createAppeal(a: AppealRecord): Promise<boolean>;
  getAppeal(appeal_id: string): Promise<AppealRecord | null>;
  /** Open: oldest first. Decided: newest decision first. */
  listAppeals(q: { status: 'open' | 'decided'; limit: number }): Promise<AppealRecord[]>;
  listAppealsOf(user_hash: string): Promise<AppealRecord[]>;
  /** Decides an open appeal; false when it is not open. */
  decideAppeal(
    appeal_id: string,
    d: { status: 'upheld' | 'overruled'; decided_at: number; decided_by: string; decision_reason: string },
  ): Promise<boolean>;

  /** False when the name is taken. */
  createModerator(m: ModeratorRecord): Promise<boolean>;
  getModerator(moderator_id: string): Promise<ModeratorRecord | null>;
  getModeratorByName(name: string): Promise<ModeratorRecord | null>;
  listModerators(): Promise<ModeratorRecord[]>;
  deleteModerator(name: string): Promise<boolean>;

  appendAudit(e: NewAuditRecord): Promise<void>;
  /** Newest first; `before` pages backwards by seq. */
  listAudit(q: { limit: number; before?: number | undefined }): Promise<AuditRecord[]>;
  deleteAuditBefore(at: number): Promise<number>;
  addNote(n: NoteRecord): Promise<void>;
  /** Oldest first. */
  listNotes(target_kind: NoteRecord['target_kind'], target_id: string): Promise<NoteRecord[]>;

  /** Deletes the pending envelopes a user sent; returns the recipient clients that had some. */
  deleteEnvelopesFrom(user_hash: string): Promise<string[]>;
}
