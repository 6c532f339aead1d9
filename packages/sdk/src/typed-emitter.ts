/** Listener of one event; `payload` is the event's data. */
export type Listener<P> = (payload: P) => void;

/**
 * A tiny typed event emitter that runs unchanged in browsers and Node (no `node:events`).
 * `Events` maps event names to payload types, e.g. `{ open: { at: number }; close: void }`.
 */
export class TypedEmitter<Events extends Record<keyof Events, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    set.delete(listener as Listener<never>);
    if (set.size === 0) this.listeners.delete(event);
  }

  /** Adds a listener that runs at most once; returns a function that removes it. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const wrapper: Listener<Events[K]> = (payload) => {
      this.off(event, wrapper);
      listener(payload);
    };
    return this.on(event, wrapper);
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /**
   * Calls every listener of `event` in the order they were added. A throwing listener does not stop
   * the others nor the emitter's caller (often a socket handler): its error is rethrown
   * asynchronously, where the platform reports it as an uncaught error.
   */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // Copy: listeners may add or remove listeners while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (err) {
        reportListenerError(err);
      }
    }
  }
}

function reportListenerError(err: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (typeof g.reportError === 'function') g.reportError(err);
  else
    setTimeout(() => {
      throw err;
    }, 0);
}
