import { readFileSync } from 'node:fs';
import type { Creds, IdleOpenJob } from './load-types.js';
import { openAll, type RelayConnection } from './relay-connection.js';
import { relayDialect } from './relay-dialect.js';

let open: RelayConnection[] = [];

/**
 * Opens `count` authenticated connections (credentials start, start + step, … of the file) and
 * leaves them idle (socket.io pings are still answered). A connection that fails or times out is
 * tried again twice: at 50k, one slow accept on a busy machine must not void the whole run.
 */
export async function openIdle(job: IdleOpenJob): Promise<{ opened: number; ms: number }> {
  const all = JSON.parse(readFileSync(job.credsFile, 'utf8')) as Creds[];
  const creds: Creds[] = [];
  for (let i = job.start; creds.length < job.count && i < all.length; i += job.step) creds.push(all[i]!);
  if (creds.length < job.count)
    throw new Error(`only ${creds.length} credentials for ${job.count} connections`);
  const t0 = performance.now();
  let lastReport = t0;
  open = await openAll(job.url, relayDialect(job.server), creds, job.concurrency, {
    timeoutMs: job.timeoutMs,
    retries: 2,
    onReady: (ready) => {
      const now = performance.now();
      if (now - lastReport < 10_000 && ready < creds.length) return;
      lastReport = now;
      process.send?.({
        progress: `${job.label}: ${ready}/${creds.length} ready after ${Math.round((now - t0) / 1000)} s`,
      });
    },
  });
  return { opened: open.filter((c) => c.closeCode === null).length, ms: Math.round(performance.now() - t0) };
}

/** Closes them; reports how many had been closed by the server meanwhile (should be none). */
export function closeIdle(): { closedByServer: number } {
  const closedByServer = open.filter((c) => c.closeCode !== null).length;
  for (const c of open) c.ws.terminate();
  open = [];
  return { closedByServer };
}
