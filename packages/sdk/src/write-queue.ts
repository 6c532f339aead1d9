/**
 * Runs the client's state changes one at a time, in the order they were queued. Every module of the
 * client shares one queue, so a ratchet step, the message it opened and the chat summary it changed
 * are read and written without another change slipping in between. A failed change does not stop
 * the ones queued after it.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
