/** Command line of `npm run bench -- [--quick] [--only=1,3] [--runs=N] [--profile]`. */
export interface BenchOptions {
  quick: boolean;
  only: number[];
  runs: number;
  /** Also record a V8 CPU profile of the OmeChat server during scenarios 1 and 2 (one extra run). */
  profile: boolean;
}

export const ALL_SCENARIOS = [1, 2, 3, 4, 5, 6, 7, 8];

export function parseBenchOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',')
    .map(Number)
    .filter((n) => ALL_SCENARIOS.includes(n));
  const runsArg = Number(argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length));
  return {
    quick,
    only: only && only.length ? only : ALL_SCENARIOS,
    runs: Number.isInteger(runsArg) && runsArg > 0 ? runsArg : quick ? 1 : 3,
    profile: argv.includes('--profile'),
  };
}
