import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

const TASKSET = '/usr/bin/taskset';

/** Cores: the servers get core 0, the load generator (and helpers) core 1. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** Spawns `node <args>` pinned to one core with taskset (unpinned, with a warning, if taskset is missing). */
export function spawnPinned(
  core: number | null,
  nodeArgs: string[],
  env: Record<string, string>,
  stdio: StdioOptions = ['ignore', 'pipe', 'pipe', 'ipc'],
): ChildProcess {
  if (core !== null && existsSync(TASKSET)) {
    return spawn(TASKSET, ['-c', String(core), process.execPath, ...nodeArgs], { env, stdio });
  }
  if (core !== null) console.warn(`! ${TASKSET} not found: processes are not pinned`);
  return spawn(process.execPath, nodeArgs, { env, stdio });
}
