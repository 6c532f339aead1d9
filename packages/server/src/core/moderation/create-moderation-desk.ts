import type { Clock } from '../../ports/clock.js';
import type { AccountStore, ModerationStore } from '../../ports/store.js';
import { AuditLog } from './audit-log.js';
import type { ModerationPolicy } from './moderation-policy.js';
import { ModerationService } from './moderation-service.js';
import { ModerationViews } from './moderation-views.js';
import { ModeratorService } from './moderator-service.js';
import { StandingService } from './standing-service.js';
import { StrikeService, type StrikeEnforcer } from './strike-service.js';

/**
 * Wires the moderators' side of the core the same way for the server and the `omechat admin` CLI.
 * Without an enforcer (the CLI) strikes are only written; a running server applies them.
 */
export function createModerationDesk(deps: {
  store: AccountStore & { moderation: ModerationStore };
  clock: Clock;
  policy: ModerationPolicy;
  standing?: StandingService;
  enforcer?: StrikeEnforcer;
}) {
  const { store, clock, policy } = deps;
  const appealWindowMs = policy.appealWindowMs;
  const audit = new AuditLog(store, clock);
  const standing = deps.standing ?? new StandingService({ store, clock, appealWindowMs });
  const strikes = new StrikeService({ store, clock, appealWindowMs, enforcer: deps.enforcer });
  const views = new ModerationViews({ store, clock, appealWindowMs });
  const moderation = new ModerationService({ store, clock, strikes, standing, views, audit, policy });
  const moderators = new ModeratorService({ store, clock, audit });
  return { audit, standing, strikes, moderation, moderators };
}
