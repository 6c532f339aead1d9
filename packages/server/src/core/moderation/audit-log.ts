import type { Clock } from '../../ports/clock.js';
import type { ModerationStore } from '../../ports/store.js';

/** Who did something: a moderator (admin API or CLI with --as), the operator (CLI), or the rules. */
export interface Actor {
  kind: 'moderator' | 'operator' | 'system';
  name: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', name: 'system' };
export const OPERATOR_ACTOR: Actor = { kind: 'operator', name: 'operator' };

/** Every moderation action, automatic or by a person: who, what, on what, when, and why. */
export class AuditLog {
  constructor(
    private readonly store: { moderation: ModerationStore },
    private readonly clock: Clock,
  ) {}

  async record(
    actor: Actor,
    action: string,
    target: { kind: string; id: string } | null,
    reason: string,
  ): Promise<void> {
    await this.store.moderation.appendAudit({
      at: this.clock.now(),
      actor_kind: actor.kind,
      actor: actor.name,
      action,
      target_kind: target?.kind ?? null,
      target_id: target?.id ?? null,
      reason,
    });
  }
}
