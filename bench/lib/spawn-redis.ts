import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A Redis of the bench's own (no persistence, on the server core), so its CPU and command counts
 * belong to the measured nodes alone and not to anything else using the machine's Redis.
 */
export async function spawnRedis(core: number): Promise<BenchRedis> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`redis-server not found at ${REDIS_SERVER} (REDIS_SERVER_BIN)`);
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = existsSync('/usr/bin/taskset')
    ? spawn('/usr/bin/taskset', ['-c', String(core), REDIS_SERVER, ...args], { stdio: 'ignore' })
    : spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}/0`;
  // Asks until it answers (it listens a moment after the spawn).
  let info = '';
  for (let tries = 0; !info; tries++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      info = await probe.info('server');
    } catch {
      if (tries > 100) throw new Error('bench redis did not start');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
  const pid = Number(/process_id:(\d+)/.exec(info)![1]);
  return {
    url,
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
