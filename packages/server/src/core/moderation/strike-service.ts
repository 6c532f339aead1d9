import type { ReportReason, SanctionDuration, StrikeKind } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { ModerationStore, StrikeRecord } from '../../ports/store.js';
import { randomHash } from '../random-string.js';
import { sanctionEnd } from './escalation-ladder.js';
import { statementOfReasons } from './statement-of-reasons.js';

/** Applies what a strike does to live state (sockets, queue, chats); the server provides it. */
export interface StrikeEnforcer {
  apply(strike: StrikeRecord): Promise<void>;
}

export interface ImposeInput {
  /** Chosen by the caller when a report must point at the strike before it exists. */
  strike_id?: string;
  user_hash: string;
  kind: StrikeKind;
  rule: ReportReason;
  /** Warnings: null. Automatic restrictions: until_review. */
  duration: SanctionDuration | 'until_review' | null;
  facts: string;
  automated: boolean;
  report_id: string | null;
  decided_by: string;
}

export interface StrikeServiceDeps {
  store: { moderation: ModerationStore };
  clock: Clock;
  appealWindowMs: number;
  /** Absent in the CLI: a running server applies the strike within its sweep interval. */
  enforcer?: StrikeEnforcer | undefined;
}

/**
 * Strikes (MLBS account layer): warnings, restrictions and bans, each made with its statement of
 * reasons and handed to the enforcer; lifting them. Reading standing is StandingService.
 */
export class StrikeService {
  constructor(private readonly deps: StrikeServiceDeps) {}

  async impose(i: ImposeInput): Promise<StrikeRecord> {
    const now = this.deps.clock.now();
    const appeal_id = randomHash(16);
    const ends_at =
      i.duration === null || i.duration === 'until_review' ? null : sanctionEnd(i.duration, now);
    const statement = statementOfReasons({
      kind: i.kind,
      rule: i.rule,
      starts_at: now,
      ends_at,
      duration: i.duration,
      facts: i.facts,
      triggered_by_report: i.report_id !== null,
      automated: i.automated,
      appeal_id,
      appeal_until: now + this.deps.appealWindowMs,
    });
    const strike: StrikeRecord = {
      strike_id: i.strike_id ?? randomHash(16),
      appeal_id,
      user_hash: i.user_hash,
      kind: i.kind,
      reason: i.rule,
      automated: i.automated,
      report_id: i.report_id,
      created_at: now,
      ends_at,
      status: 'active',
      lifted_at: null,
      decided_by: i.decided_by,
      statement: JSON.stringify(statement),
      applied_at: null,
    };
    await this.deps.store.moderation.createStrike(strike);
    await this.deps.enforcer?.apply(strike);
    return strike;
  }

  async lift(strike_id: string, status: 'lifted' | 'overruled'): Promise<boolean> {
    return this.deps.store.moderation.liftStrike(strike_id, status, this.deps.clock.now());
  }
}
