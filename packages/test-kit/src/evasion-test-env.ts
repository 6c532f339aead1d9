/**
 * Ban-evasion layers (and the per-account behaviour limits) opened up for tests that are about something else: no sign-up work unless a
 * network is banned, no probation, and network throttles out of the way. Tests of those layers set
 * their own values (signup-pow.test.ts, probation.test.ts, network-layer.test.ts, behaviour-limits.test.ts).
 */
export const EVASION_TEST_ENV: Record<string, string> = {
  POW_MIN_LEVEL: '0',
  POW_NETWORK_SIGNUPS_PER_STEP: '1000000',
  POW_GLOBAL_SIGNUPS_PER_STEP: '1000000',
  CHALLENGES_PER_NETWORK_PER_HOUR: '1000000',
  REPORTS_PER_NETWORK_PER_HOUR: '1000000',
  PROBATION_DAYS: '0',
  PROBATION_CHATS: '0',
  MESSAGES_PER_MINUTE_PER_ACCOUNT: '1000000',
  SKIPS_PER_HOUR: '1000000',
  RAPID_NEXT_COUNT: '1000',
  INVITATIONS_PER_HOUR: '1000000',
};
