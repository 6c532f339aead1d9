import type { ReportReason, SanctionDuration } from '@omechat/protocol';

const HOUR = 3_600_000;

/** Timed bans grow with each upheld ban: 24 h, 7 d, 30 d, then permanent (DESIGN §9). */
export const BAN_LADDER: readonly SanctionDuration[] = ['24h', '7d', '30d', 'permanent'];

/** The ban the ladder proposes after `previousBans` bans that were not overruled. */
export function nextBanDuration(previousBans: number, rule: ReportReason): SanctionDuration {
  // Confirmed sexual content involving a minor ends the account at once.
  if (rule === 'sexual_content_minor') return 'permanent';
  return BAN_LADDER[Math.min(previousBans, BAN_LADDER.length - 1)]!;
}

/** The end time of a sanction of this duration starting at `from`; null when permanent. */
export function sanctionEnd(duration: SanctionDuration, from: number): number | null {
  switch (duration) {
    case '24h':
      return from + 24 * HOUR;
    case '7d':
      return from + 7 * 24 * HOUR;
    case '30d':
      return from + 30 * 24 * HOUR;
    case 'permanent':
      return null;
  }
}
