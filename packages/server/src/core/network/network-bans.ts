import { OmeChatError, type NetworkBanView } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { NetworkBan, NetworkState } from '../../ports/network-state.js';
import type { ModerationStore } from '../../ports/store.js';
import type { Actor, AuditLog } from '../moderation/audit-log.js';
import { randomHash } from '../random-string.js';

export const MAX_NETWORK_BAN_HOURS = 72;

/**
 * Network bans (MLBS network layer): a moderator bans, from a report, the network the reported
 * account last signed up or in from, for at most 72 hours. The ban and the network hash live in
 * `NetworkState` only (RAM); the audit log records the ban id, the report and the duration, never
 * the network. A ban ends by itself; a restart (or the daily key rotation, which changes every
 * network hash) also ends it, which is the price of keeping nothing about networks on disk.
 */
export class NetworkBans {
  constructor(
    private readonly deps: {
      state: NetworkState;
      clock: Clock;
      store: { moderation: ModerationStore };
      audit: AuditLog;
    },
  ) {}

  /** Throws NETWORK_BANNED, with the seconds until the ban ends, while this network is banned. */
  async assertAllowed(networkHash: string): Promise<void> {
    const ban = await this.deps.state.banOf(networkHash);
    if (ban)
      throw new OmeChatError('NETWORK_BANNED', {
        retryAfterSeconds: Math.max(1, Math.ceil((ban.ends_at - this.deps.clock.now()) / 1000)),
      });
  }

  async banFromReport(
    actor: Actor,
    report_id: string,
    req: { hours: number; reason: string },
  ): Promise<NetworkBanView> {
    if (req.hours > MAX_NETWORK_BAN_HOURS || req.hours <= 0) throw new OmeChatError('INVALID_INPUT');
    const report = await this.deps.store.moderation.getReport(report_id);
    if (!report?.reported) throw new OmeChatError('NOT_FOUND', { message: 'No such report.' });
    const network_hash = await this.deps.state.networkOf(report.reported);
    if (!network_hash)
      throw new OmeChatError('NOT_FOUND', {
        message:
          'No network of this account is known now (it has not signed in since the last restart or key rotation).',
      });
    const now = this.deps.clock.now();
    const ban: NetworkBan = {
      ban_id: randomHash(16),
      network_hash,
      report_id,
      created_at: now,
      ends_at: now + Math.round(req.hours * 3_600_000),
      moderator: actor.name,
      reason: req.reason,
    };
    await this.deps.state.addBan(ban);
    await this.deps.audit.record(
      actor,
      'network.ban',
      { kind: 'report', id: report_id },
      `network ban ${ban.ban_id} for ${req.hours} h: ${req.reason}`,
    );
    return view(ban);
  }

  async list(): Promise<NetworkBanView[]> {
    return (await this.deps.state.listBans()).map(view);
  }

  async lift(actor: Actor, ban_id: string, reason: string): Promise<void> {
    if (!(await this.deps.state.liftBan(ban_id)))
      throw new OmeChatError('NOT_FOUND', { message: 'No such network ban (it may have ended).' });
    await this.deps.audit.record(actor, 'network.unban', null, `network ban ${ban_id} lifted: ${reason}`);
  }
}

/** What moderators see: never the network hash. */
function view(b: NetworkBan): NetworkBanView {
  return {
    ban_id: b.ban_id,
    report_id: b.report_id,
    created_at: b.created_at,
    ends_at: b.ends_at,
    moderator: b.moderator,
    reason: b.reason,
  };
}
