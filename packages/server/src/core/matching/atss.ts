// The ATSS rules live once, in the protocol package (packages/protocol/src/atss.ts); the server's
// matching modules import them through this path so the domain reads as before.
export {
  ADULT_AGE,
  MAX_TOLERANCE,
  ageBand,
  compatibleAgeRange,
  currentAge,
  effectiveTolerance,
  isValidAge,
  mayMeet,
} from '@omechat/protocol';
