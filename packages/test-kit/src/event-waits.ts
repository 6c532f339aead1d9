/**
 * Waiting in tests for what a client (or any typed emitter) announces, and for conditions that
 * become true later. The SDK's OmeChatClient and the server's TypedEmitter both fit `EventSource`.
 */
export interface EventSource<Events> {
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void;
}

/**
 * `nextEvent` and `collectEvents` for one event map, named once per file because TypeScript cannot
 * infer the map from a generic `on`: `const { nextEvent } = eventWaits<ClientEvents>();`.
 */
export function eventWaits<Events>() {
  return {
    /** The next `event` whose payload passes `pred`; rejects after `ms`. Unsubscribes either way. */
    nextEvent<K extends keyof Events>(
      source: EventSource<Events>,
      event: K,
      pred: (payload: Events[K]) => boolean = () => true,
      ms = 15_000,
    ): Promise<Events[K]> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          off();
          reject(new Error(`no ${String(event)} within ${ms} ms`));
        }, ms);
        const off = source.on(event, (p) => {
          if (!pred(p)) return;
          clearTimeout(t);
          off();
          resolve(p);
        });
      });
    },

    /** Every payload of `event` from now on, in order (the array fills as they come). */
    collectEvents<K extends keyof Events>(source: EventSource<Events>, event: K): Events[K][] {
      const seen: Events[K][] = [];
      source.on(event, (p) => seen.push(p));
      return seen;
    },
  };
}

/** Polls `check` until it holds; throws `<what>: not within <ms> ms` if it never does. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what = 'condition',
  ms = 15_000,
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}
