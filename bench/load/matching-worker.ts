// Runs the server's matching-queue benchmark in its own process (pinned to the server core by the
// orchestrator) and prints its result as one JSON line.
import { runMatchingBench, type MatchingBenchOptions } from '../../packages/server/bench/matching-bench.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as MatchingBenchOptions;
console.log(JSON.stringify(runMatchingBench(opts)));
