// The load generator: its own process (pinned to the load core by the orchestrator), driven over
// IPC one job at a time, so the servers are measured from outside like real clients would see them.
import type { LoadJob } from './load-types.js';
import { runRelayJob } from './run-relay-job.js';
import { closeIdle, openIdle } from './run-idle-job.js';
import { fillPending, runDrain } from './run-drain-job.js';

async function run(job: LoadJob): Promise<unknown> {
  switch (job.type) {
    case 'relay':
      return runRelayJob(job);
    case 'idle.open':
      return openIdle(job);
    case 'idle.close':
      return closeIdle();
    case 'drain.fill':
      return fillPending(job);
    case 'drain.run':
      return runDrain(job);
  }
}

process.on('message', (m: { id: number; job: LoadJob }) => {
  run(m.job).then(
    (result) => process.send!({ id: m.id, result }),
    (e: Error) => process.send!({ id: m.id, error: e.stack ?? e.message }),
  );
});
process.send!({ ready: true });
