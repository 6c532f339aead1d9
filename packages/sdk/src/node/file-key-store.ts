import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { KeyStore, KeyStoreOp } from '../key-store.js';
import { serialiseOps } from '../serialise-ops.js';

const FORMAT_VERSION = 1;
const STALE_TEMP_MS = 60_000;

/**
 * A key store in one JSON file (Node: CLI, bots, benchmarks). Every write replaces the file
 * atomically: new content goes to a temp file in the same directory, is fsynced, then renamed over
 * the old file, so a crash leaves either the old or the new state, never a torn one. The file is
 * created with mode 0600. One process should own a file at a time (writes are serialised in-process).
 */
export class FileKeyStore implements KeyStore {
  private entries: Map<string, string> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Clients of one process on the same file share this lock (see `WriteQueue`). */
  get lockName(): string {
    return `omechat-key-store:file:${this.path}`;
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.serialised(async () => {
      const text = (await this.load()).get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    });
  }

  write(ops: KeyStoreOp[]): Promise<void> {
    return this.serialised(async () => {
      const batch = serialiseOps(ops);
      const next = new Map(await this.load());
      for (const op of batch) {
        if (op.text === null) next.delete(op.key);
        else next.set(op.key, op.text);
      }
      await this.persist(next);
      // Only once the new file is in place: a failed write leaves memory and disk as they were.
      this.entries = next;
    });
  }

  keys(prefix: string): Promise<string[]> {
    return this.serialised(async () =>
      [...(await this.load()).keys()].filter((k) => k.startsWith(prefix)).sort(),
    );
  }

  clear(): Promise<void> {
    return this.serialised(async () => {
      const next = new Map<string, string>();
      await this.persist(next);
      this.entries = next;
    });
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<Map<string, string>> {
    if (this.entries) return this.entries;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.entries = new Map();
      return this.entries;
    }
    let data: { version?: unknown; entries?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      // Never treat a damaged file as empty: the next write would destroy the keys for good.
      throw new Error(`Key store file ${this.path} is not valid JSON`);
    }
    if (data?.version !== FORMAT_VERSION || typeof data.entries !== 'object' || data.entries === null) {
      throw new Error(`Key store file ${this.path} has an unknown format`);
    }
    this.entries = new Map(Object.entries(data.entries).map(([k, v]) => [k, JSON.stringify(v)]));
    await this.removeStaleTempFiles();
    return this.entries;
  }

  private async persist(entries: Map<string, string>): Promise<void> {
    // Values are already JSON text; splice them in rather than parse and re-serialise each one.
    const body = [...entries].map(([k, text]) => `${JSON.stringify(k)}:${text}`).join(',');
    const content = `{"version":${FORMAT_VERSION},"entries":{${body}}}\n`;
    const tmp = `${this.path}.tmp-${randomBytes(6).toString('hex')}`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await syncDirectory(dirname(this.path));
  }

  /**
   * Temp files left by a crash between writing and renaming; the main file is the truth. Only old
   * ones: a young one may belong to a write still in progress.
   */
  private async removeStaleTempFiles(): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.tmp-`;
    const names = await readdir(dir).catch(() => [] as string[]);
    const cutoff = Date.now() - STALE_TEMP_MS;
    await Promise.all(
      names
        .filter((n) => n.startsWith(prefix))
        .map(async (n) => {
          const file = join(dir, n);
          const s = await stat(file).catch(() => null);
          if (s && s.mtimeMs < cutoff) await rm(file, { force: true });
        }),
    );
  }
}

/** Makes the rename itself durable; some platforms cannot fsync a directory, which is fine to skip. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // unsupported here
  } finally {
    await handle?.close();
  }
}
