import {
  OmeChatError,
  type AccountCredentials,
  type AppealRequest,
  type AppealView,
  type Standing,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { ModerationStore } from '../../ports/store.js';
import type { AccountService } from '../accounts/account-service.js';
import type { StandingService } from './standing-service.js';
import { appealView } from './strike-view.js';

export interface AppealServiceDeps {
  store: { moderation: ModerationStore };
  clock: Clock;
  accounts: Pick<AccountService, 'checkCredentials'>;
  standing: StandingService;
  appealWindowMs: number;
}

/**
 * The user's side of appeals (MLBS appeal layer). A banned account has no client, so it proves
 * itself with exactly what sign-in accepts (same checks and rate limits, AccountService). Appeals
 * are only ever decided by a moderator (ModerationService.decideAppeal).
 */
export class AppealService {
  constructor(private readonly deps: AppealServiceDeps) {}

  /** Standing (strikes, statements, appeals and their decisions) for whoever holds the secret. */
  async standing(creds: AccountCredentials, networkHash: string): Promise<Standing> {
    const user = await this.deps.accounts.checkCredentials(creds, networkHash);
    return this.deps.standing.standing(user.user_hash);
  }

  /** Files the one appeal of a strike, within the appeal window. */
  async appeal(req: AppealRequest, networkHash: string): Promise<AppealView> {
    const { appeal_id, text, ...creds } = req;
    const user = await this.deps.accounts.checkCredentials(creds, networkHash);
    const strike = await this.deps.store.moderation.getStrikeByAppealId(appeal_id);
    if (!strike || strike.user_hash !== user.user_hash) throw new OmeChatError('NOT_FOUND');
    const now = this.deps.clock.now();
    if (now > strike.created_at + this.deps.appealWindowMs) throw new OmeChatError('APPEAL_WINDOW_CLOSED');
    const record = {
      appeal_id,
      strike_id: strike.strike_id,
      user_hash: user.user_hash,
      text: text.trim(),
      created_at: now,
      status: 'open' as const,
      decided_at: null,
      decided_by: null,
      decision_reason: null,
    };
    if (!(await this.deps.store.moderation.createAppeal(record))) throw new OmeChatError('APPEAL_EXISTS');
    return appealView(record);
  }
}
