import {
  OmeChatError,
  type ReportReason,
  type SanctionDuration,
  type Standing,
  type StrikeKind,
  type StrikeView,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { ModerationStore, StrikeRecord } from '../../ports/store.js';
import { nextBanDuration } from './escalation-ladder.js';
import { isInForce, strikeView } from './strike-view.js';

/**
 * An account's standing (MLBS account layer): the ban or restriction in force, every strike with
 * its statement and appeal, and the checks other services make before letting someone meet people
 * or sign in. Read from the store every time (another process may have changed it), never cached.
 */
export class StandingService {
  constructor(
    private readonly deps: { store: { moderation: ModerationStore }; clock: Clock; appealWindowMs: number },
  ) {}

  /** The ban and the restriction in force now (the latest of each), if any. */
  async inForce(user_hash: string): Promise<{ ban: StrikeRecord | null; restriction: StrikeRecord | null }> {
    const now = this.deps.clock.now();
    const active = (await this.deps.store.moderation.listStrikes(user_hash)).filter((s) => isInForce(s, now));
    return {
      ban: active.find((s) => s.kind === 'ban') ?? null,
      restriction: active.find((s) => s.kind === 'restriction') ?? null,
    };
  }

  /** Throws ACCOUNT_BANNED or ACCOUNT_RESTRICTED (with the strike) when the user may not meet anyone new. */
  async assertMayMeet(user_hash: string): Promise<void> {
    const { ban, restriction } = await this.inForce(user_hash);
    if (ban) throw new OmeChatError('ACCOUNT_BANNED', { sanction: await this.view(ban) });
    if (restriction) throw new OmeChatError('ACCOUNT_RESTRICTED', { sanction: await this.view(restriction) });
  }

  /** Throws ACCOUNT_BANNED, with the strike and its statement of reasons, while a ban holds. */
  async assertNotBanned(user_hash: string): Promise<void> {
    const { ban } = await this.inForce(user_hash);
    if (ban) throw new OmeChatError('ACCOUNT_BANNED', { sanction: await this.view(ban) });
  }

  async standing(user_hash: string): Promise<Standing> {
    const now = this.deps.clock.now();
    const strikes = await this.deps.store.moderation.listStrikes(user_hash);
    const appeals = new Map(
      (await this.deps.store.moderation.listAppealsOf(user_hash)).map((a) => [a.appeal_id, a]),
    );
    const views = strikes.map((s) =>
      strikeView(s, appeals.get(s.appeal_id) ?? null, now, this.deps.appealWindowMs),
    );
    const inForce = (kind: StrikeKind) => views.find((v) => v.kind === kind && v.status === 'active') ?? null;
    return { banned: inForce('ban'), restricted: inForce('restriction'), strikes: views };
  }

  async view(strike: StrikeRecord): Promise<StrikeView> {
    const appeal = await this.deps.store.moderation.getAppeal(strike.appeal_id);
    return strikeView(strike, appeal, this.deps.clock.now(), this.deps.appealWindowMs);
  }

  /** The ban duration the ladder proposes for this account's next ban under `rule`. */
  async nextBan(user_hash: string, rule: ReportReason): Promise<SanctionDuration> {
    const bans = (await this.deps.store.moderation.listStrikes(user_hash)).filter(
      (s) => s.kind === 'ban' && s.status !== 'overruled',
    );
    return nextBanDuration(bans.length, rule);
  }
}
