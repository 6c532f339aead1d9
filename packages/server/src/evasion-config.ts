import type { Config } from './config.js';
import type { ProbationPolicy } from './core/accounts/probation.js';
import type { BehaviourPolicy } from './core/behaviour/behaviour-limits.js';
import type { PowPolicy } from './core/signup/pow-policy.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The ban-evasion settings (MLBS re-entry, network and behaviour layers) as core policies. */
export function powPolicy(c: Config): PowPolicy {
  return {
    minLevel: c.POW_MIN_LEVEL,
    maxLevel: c.POW_MAX_LEVEL,
    baseCounter: c.POW_BASE_COUNTER,
    scryptCost: c.POW_SCRYPT_COST,
    scryptBlockSize: c.POW_SCRYPT_BLOCK_SIZE,
    challengeTtlMs: c.POW_CHALLENGE_TTL_SECONDS * 1000,
    networkSignupsPerStep: c.POW_NETWORK_SIGNUPS_PER_STEP,
    globalSignupsPerStep: c.POW_GLOBAL_SIGNUPS_PER_STEP,
    levelsPerBan: c.POW_LEVELS_PER_BAN,
    signupHalfLifeMs: c.POW_DECAY_MINUTES * MINUTE,
    banHalfLifeMs: c.POW_BAN_DECAY_HOURS * HOUR,
  };
}

export function probationPolicy(c: Config): ProbationPolicy {
  return {
    days: c.PROBATION_DAYS,
    chats: c.PROBATION_CHATS,
    minChatMs: c.PROBATION_MIN_CHAT_SECONDS * 1000,
    separatePool: c.PROBATION_SEPARATE_POOL,
  };
}

export function behaviourPolicy(c: Config): BehaviourPolicy {
  return {
    skipsPerHour: c.SKIPS_PER_HOUR,
    probationSkipsPerHour: c.PROBATION_SKIPS_PER_HOUR,
    rapidNexts: c.RAPID_NEXT_COUNT,
    rapidNextWindowMs: c.RAPID_NEXT_WINDOW_SECONDS * 1000,
    nextCooldownMs: c.NEXT_COOLDOWN_SECONDS * 1000,
    messagesPerMinute: c.MESSAGES_PER_MINUTE_PER_ACCOUNT,
    probationMessagesPerMinute: c.PROBATION_MESSAGES_PER_MINUTE,
    invitationsPerHour: c.INVITATIONS_PER_HOUR,
    browsesPerMinute: c.BROWSES_PER_MINUTE,
  };
}
