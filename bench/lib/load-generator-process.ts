import type { ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadJob } from '../load/load-types.js';
import { LOAD_CORE, spawnPinned } from './spawn-pinned.js';

const ENTRY = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'load', 'load-generator.ts');

/** The load generator process (bench/load/load-generator.ts) pinned to the load core, driven over IPC. */
export class LoadGeneratorProcess {
  private nextId = 0;
  private out = '';
  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (d) => (this.out += d));
    child.stderr!.on('data', (d) => (this.out += d));
    // Long jobs (scenario 3's 50k connections) report progress lines while they run.
    child.on('message', (m: { progress?: string }) => {
      if (typeof m?.progress === 'string') console.log(`  ${m.progress}`);
    });
  }

  static async start(): Promise<LoadGeneratorProcess> {
    const child = spawnPinned(LOAD_CORE, ['--conditions=source', '--import', 'tsx', ENTRY], {
      PATH: process.env.PATH ?? '',
    });
    const lg = new LoadGeneratorProcess(child);
    await new Promise<void>((ok, fail) => {
      const t = setTimeout(() => fail(new Error(`load generator did not start:\n${lg.out}`)), 20_000);
      child.once('message', () => {
        clearTimeout(t);
        ok();
      });
      child.once('exit', (code) => fail(new Error(`load generator exited with ${code}:\n${lg.out}`)));
    });
    return lg;
  }

  run<T>(job: LoadJob, timeoutMs = 90_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((ok, fail) => {
      const t = setTimeout(() => fail(new Error(`load job ${job.type} timed out:\n${this.out}`)), timeoutMs);
      const onMessage = (m: { id?: number; result?: T; error?: string }) => {
        if (m.id !== id) return;
        clearTimeout(t);
        this.child.off('message', onMessage);
        if (m.error) fail(new Error(`load job ${job.type} failed: ${m.error}`));
        else ok(m.result as T);
      };
      this.child.on('message', onMessage);
      this.child.send({ id, job });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
