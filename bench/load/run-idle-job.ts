import { readFileSync } from 'node:fs';
import type { Creds, IdleOpenJob } from './load-types.js';
import { openAll, type RelayConnection } from './relay-connection.js';
import { relayDialect } from './relay-dialect.js';

let open: RelayConnection[] = [];

/** Opens `count` authenticated connections and leaves them idle (socket.io pings are still answered). */
export async function openIdle(job: IdleOpenJob): Promise<{ opened: number; ms: number }> {
  const creds = (JSON.parse(readFileSync(job.credsFile, 'utf8')) as Creds[]).slice(0, job.count);
  if (creds.length < job.count)
    throw new Error(`only ${creds.length} credentials for ${job.count} connections`);
  const t0 = performance.now();
  open = await openAll(job.url, relayDialect(job.server), creds, job.concurrency);
  return { opened: open.filter((c) => c.closeCode === null).length, ms: Math.round(performance.now() - t0) };
}

/** Closes them; reports how many had been closed by the server meanwhile (should be none). */
export function closeIdle(): { closedByServer: number } {
  const closedByServer = open.filter((c) => c.closeCode !== null).length;
  for (const c of open) c.ws.terminate();
  open = [];
  return { closedByServer };
}
