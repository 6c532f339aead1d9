import { describe, expect, it } from 'vitest';
import { eventWaits, waitUntil, type EventSource } from './event-waits.js';

interface Events {
  tick: number;
}

const { nextEvent, collectEvents } = eventWaits<Events>();

/** A minimal emitter with a subscriber count, so the tests can see unsubscribing. */
function emitter(): EventSource<Events> & { emit(n: number): void; listeners(): number } {
  const fns = new Set<(n: number) => void>();
  return {
    on: (_event, fn) => {
      const f = fn as (n: number) => void;
      fns.add(f);
      return () => fns.delete(f);
    },
    emit: (n) => [...fns].forEach((f) => f(n)),
    listeners: () => fns.size,
  };
}

describe('event waits', () => {
  it('nextEvent resolves with the first payload that passes and unsubscribes', async () => {
    const e = emitter();
    const got = nextEvent(e, 'tick', (n) => n > 1);
    e.emit(1);
    e.emit(2);
    e.emit(3);
    expect(await got).toBe(2);
    expect(e.listeners()).toBe(0);
  });

  it('nextEvent rejects after its time and unsubscribes', async () => {
    const e = emitter();
    await expect(nextEvent(e, 'tick', () => true, 30)).rejects.toThrow('no tick within 30 ms');
    expect(e.listeners()).toBe(0);
  });

  it('collectEvents keeps every payload in order', () => {
    const e = emitter();
    const seen = collectEvents(e, 'tick');
    e.emit(5);
    e.emit(4);
    expect(seen).toEqual([5, 4]);
  });

  it('waitUntil returns once the check holds, and names what never came', async () => {
    let n = 0;
    await waitUntil(() => ++n >= 3, 'three polls', 1000, 1);
    expect(n).toBe(3);
    await expect(waitUntil(async () => false, 'the impossible', 30, 5)).rejects.toThrow(
      'the impossible: not within 30 ms',
    );
  });
});
