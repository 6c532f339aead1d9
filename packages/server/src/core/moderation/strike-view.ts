import {
  StatementOfReasonsSchema,
  type AppealView,
  type StrikeStatus,
  type StrikeSummary,
  type StrikeView,
} from '@omechat/protocol';
import type { AppealRecord, StrikeRecord } from '../../ports/store.js';

/** `active` strikes with an end in the past have expired (timed bans end by themselves). */
export function strikeStatus(s: StrikeRecord, now: number): StrikeStatus {
  if (s.status !== 'active') return s.status;
  return s.ends_at !== null && s.ends_at <= now ? 'expired' : 'active';
}

/** Restrictions and bans that hold right now. */
export function isInForce(s: StrikeRecord, now: number): boolean {
  return s.kind !== 'warning' && strikeStatus(s, now) === 'active';
}

export function appealView(a: AppealRecord): AppealView {
  return {
    appeal_id: a.appeal_id,
    status: a.status,
    created_at: a.created_at,
    decided_at: a.decided_at,
    decision_reason: a.decision_reason,
  };
}

/** A strike as its account sees it. */
export function strikeView(
  s: StrikeRecord,
  appeal: AppealRecord | null,
  now: number,
  appealWindowMs: number,
): StrikeView {
  return {
    strike_id: s.strike_id,
    kind: s.kind,
    reason: s.reason,
    status: strikeStatus(s, now),
    created_at: s.created_at,
    ends_at: s.ends_at,
    appeal_id: s.appeal_id,
    appeal_until: s.created_at + appealWindowMs,
    statement: StatementOfReasonsSchema.parse(JSON.parse(s.statement)),
    appeal: appeal ? appealView(appeal) : null,
  };
}

export function strikeSummary(s: StrikeRecord, now: number): StrikeSummary {
  return {
    strike_id: s.strike_id,
    kind: s.kind,
    reason: s.reason,
    status: strikeStatus(s, now),
    automated: s.automated,
    created_at: s.created_at,
    ends_at: s.ends_at,
  };
}
