/** The part of the Web Locks API (`navigator.locks`) the queue uses. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** In-process fallback where there is no `navigator.locks` (Node < 24): one chain per lock name. */
const localTails = new Map<string, Promise<unknown>>();

function localLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const tail = localTails.get(name) ?? Promise.resolve();
  const run = tail.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  localTails.set(name, settled);
  // Forget the chain once idle so the map does not grow with every store ever used.
  void settled.then(() => {
    if (localTails.get(name) === settled) localTails.delete(name);
  });
  return run;
}

function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : undefined;
}

/**
 * Runs the client's state changes one at a time, in the order they were queued. Every module of the
 * client shares one queue, so a ratchet step, the message it opened and the chat summary it changed
 * are read and written without another change slipping in between. A failed change does not stop
 * the ones queued after it.
 *
 * With a `lockName` (the key store's), each change also holds an exclusive lock of that name: a
 * Web Lock (`navigator.locks`) in browsers, so two tabs on one IndexedDB store never read the same
 * ratchet state and both advance it (which would reuse message keys and make the partner fail to
 * decrypt one of the messages); an in-process lock where Web Locks are missing (Node < 24), which
 * covers two clients of one process on one store.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly locks: LockManagerLike | undefined;

  constructor(
    private readonly lockName?: string,
    locks: LockManagerLike | undefined = webLocks(),
  ) {
    this.locks = locks;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    const locked = () => this.locked(fn);
    const run = this.tail.then(locked, locked);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.lockName) return fn();
    if (this.locks) return this.locks.request(this.lockName, fn);
    return localLock(this.lockName, fn);
  }
}
