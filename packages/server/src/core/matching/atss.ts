// The ATSS rules live once, in the protocol package (packages/protocol/src/atss.ts); the server's
// matching modules import them through this path so the domain reads as before.
export {
  ADULT_AGE,
  MAX_AGE,
  MAX_TOLERANCE,
  MIN_AGE,
  MINOR_MAX_TOLERANCE,
  MINOR_OLD_AGE,
  YEAR_MS,
  ageBand,
  compatibleAgeRange,
  currentAge,
  effectiveTolerance,
  isValidAge,
  mayMeet,
  type AgeAndTolerance,
  type AgeBand,
  type AgeRange,
} from '@omechat/protocol';
