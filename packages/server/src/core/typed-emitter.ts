/** Listener of one event; `payload` is the event's data. */
export type Listener<P> = (payload: P) => void;

/**
 * A small typed event emitter for the core (no `node:events`): any number of subscribers per event,
 * called in the order they subscribed. `Events` maps event names to payload types.
 *
 * Listeners run synchronously inside `emit`, as the single-slot hooks they replace did. A throwing
 * listener does not stop the others; once all ran, the first error is rethrown to the emitter's
 * caller, so a failure is never silently lost.
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

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    let failed = false;
    let firstError: unknown;
    // Copy: listeners may subscribe or unsubscribe while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (err) {
        if (!failed) firstError = err;
        failed = true;
      }
    }
    if (failed) throw firstError;
  }
}
