import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { OmeChatError } from '@omechat/protocol';
import type { SecretHasher } from '../ports/secret-hasher.js';
import { OWASP_ARGON2ID, type Argon2Params } from './argon2-secret-hasher.js';

export interface Argon2PoolOptions {
  params?: Argon2Params;
  /** Worker processes, each hashing one secret at a time (ARGON2_CONCURRENCY). */
  processes: number;
  /** Jobs that may wait for a worker; one more is refused with SERVICE_BUSY (ARGON2_QUEUE_MAX). */
  maxQueue: number;
  /** OS niceness of the workers, 0-19 (ARGON2_NICE): the relay's event loop wins the CPU. */
  nice: number;
}

type Job =
  { op: 'hash'; secret: string; params: Argon2Params } | { op: 'verify'; phc: string; secret: string };

interface Pending {
  job: Job;
  resolve: (v: string | boolean | null) => void;
  reject: (e: Error) => void;
}

interface Worker {
  child: ChildProcess;
  /** Jobs answered: a worker that dies before its first answer cannot start at all. */
  answered: number;
  busy: { id: number; pending: Pending; startedAt: number } | null;
}

const WORKER_ENTRY = fileURLToPath(new URL('./argon2-worker.mjs', import.meta.url));

/**
 * argon2id in separate, lower-priority processes, so logins cannot stall the relay: the native
 * hash would otherwise run on libuv's threads in the server process, competing with the event loop
 * for the same core. Bounded twice: at most `processes` hashes at once, at most `maxQueue` waiting;
 * beyond that a login is refused with SERVICE_BUSY and a retry_after from the measured hash time.
 * Workers start on first use and are replaced if one dies.
 */
export class Argon2ProcessPool implements SecretHasher {
  private readonly params: Argon2Params;
  private readonly workers: Worker[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Moving average of one job's wall time, for retry_after. */
  private avgJobMs = 50;

  constructor(private readonly opts: Argon2PoolOptions) {
    this.params = opts.params ?? OWASP_ARGON2ID;
  }

  async hash(secret: string): Promise<string> {
    const phc = await this.submit({ op: 'hash', secret, params: this.params });
    if (typeof phc !== 'string') throw new Error('argon2 hash failed');
    return phc;
  }

  async verify(phc: string, secret: string): Promise<boolean> {
    return (await this.submit({ op: 'verify', phc, secret })) === true;
  }

  /** Jobs running and waiting, and the workers' process ids (tests, metrics). */
  get stats(): { running: number; queued: number; pids: number[] } {
    return {
      running: this.workers.filter((w) => w.busy).length,
      queued: this.queue.length,
      pids: this.workers.map((w) => w.child.pid!).filter((p) => p !== undefined),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const gone = new OmeChatError('SERVICE_BUSY', { retryAfterSeconds: 1 });
    for (const p of this.queue.splice(0)) p.reject(gone);
    await Promise.all(
      this.workers.splice(0).map(
        (w) =>
          new Promise<void>((resolve) => {
            w.busy?.pending.reject(gone);
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.kill('SIGKILL');
          }),
      ),
    );
  }

  private submit(job: Job): Promise<string | boolean | null> {
    if (this.closed) return Promise.reject(new OmeChatError('SERVICE_BUSY', { retryAfterSeconds: 1 }));
    return new Promise((resolve, reject) => {
      const pending: Pending = { job, resolve, reject };
      const idle = this.idleWorker();
      if (idle) return this.dispatch(idle, pending);
      if (this.queue.length >= this.opts.maxQueue) {
        // Every waiting job ahead takes about one job time per worker.
        const waitMs = ((this.queue.length + 1) / this.opts.processes) * this.avgJobMs;
        return reject(
          new OmeChatError('SERVICE_BUSY', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }),
        );
      }
      this.queue.push(pending);
    });
  }

  private idleWorker(): Worker | undefined {
    const idle = this.workers.find((w) => !w.busy);
    if (idle) return idle;
    if (this.workers.length < this.opts.processes) return this.spawn();
    return undefined;
  }

  private spawn(): Worker {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // no preloads (a profiler, a probe) in a process that only hashes
    const child = fork(WORKER_ENTRY, [], {
      execArgv: [],
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const worker: Worker = { child, answered: 0, busy: null };
    try {
      if (child.pid !== undefined) setPriority(child.pid, this.opts.nice);
    } catch {
      // Lowering a priority is always allowed on Linux; elsewhere the pool still bounds the work.
    }
    child.on('message', (m: { id: number; result: string | boolean | null }) => {
      const busy = worker.busy;
      if (!busy || busy.id !== m.id) return;
      worker.busy = null;
      worker.answered++;
      this.avgJobMs = this.avgJobMs * 0.8 + (performance.now() - busy.startedAt) * 0.2;
      busy.pending.resolve(m.result);
      this.next(worker);
    });
    child.once('exit', () => {
      const i = this.workers.indexOf(worker);
      if (i >= 0) this.workers.splice(i, 1);
      // The job it held fails (never a wrong answer); the queue moves on to a fresh worker.
      worker.busy?.pending.reject(new OmeChatError('SERVICE_BUSY', { retryAfterSeconds: 1 }));
      worker.busy = null;
      if (worker.answered === 0) {
        // Never answered: a new one would die too; refuse what waits rather than spawn in a loop.
        for (const p of this.queue.splice(0))
          p.reject(new OmeChatError('SERVICE_BUSY', { retryAfterSeconds: 1 }));
        return;
      }
      if (!this.closed && this.queue.length > 0) {
        const w = this.idleWorker();
        if (w) this.next(w);
      }
    });
    child.on('error', () => {}); // an exit follows; handled there
    this.workers.push(worker);
    this.idleChannel(worker);
    return worker;
  }

  private next(worker: Worker): void {
    const pending = this.queue.shift();
    if (pending) this.dispatch(worker, pending);
    else this.idleChannel(worker);
  }

  private dispatch(worker: Worker, pending: Pending): void {
    const id = this.nextId++;
    worker.busy = { id, pending, startedAt: performance.now() };
    // While a job is out, its reply must keep this process alive; an idle worker must not.
    worker.child.channel?.ref();
    worker.child.send({ id, ...pending.job });
  }

  private idleChannel(worker: Worker): void {
    worker.child.channel?.unref();
    worker.child.unref();
  }
}
