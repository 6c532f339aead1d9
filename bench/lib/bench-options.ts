/** Command line of `npm run bench -- [--quick] [--only=1,3] [--runs=N] [--profile]`. */
export interface BenchOptions {
  quick: boolean;
  only: number[];
  runs: number;
  /** Also record a V8 CPU profile of the OmeChat server during scenarios 1 and 2 (one extra run). */
  profile: boolean;
}

/** What `npm run bench` runs by default. */
export const ALL_SCENARIOS = [1, 2, 3, 4, 5, 6, 7, 8, 9];
/**
 * Opt-in only (`--only=…`), too long for every run (issue 17's larger work): 10 = drain of 100k
 * pending on SQLite, 11 = the same on PostgreSQL, 12 = matching with 1,000,000 waiting.
 */
export const OPT_IN_SCENARIOS = [10, 11, 12];

export function parseBenchOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',')
    .map(Number)
    .filter((n) => ALL_SCENARIOS.includes(n) || OPT_IN_SCENARIOS.includes(n));
  const runsArg = Number(argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length));
  return {
    quick,
    only: only && only.length ? only : ALL_SCENARIOS,
    runs: Number.isInteger(runsArg) && runsArg > 0 ? runsArg : quick ? 1 : 3,
    profile: argv.includes('--profile'),
  };
}
