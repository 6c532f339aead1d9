import { describe, expect, it } from 'vitest';
import { ConnectionHub } from './presence/connection-hub.js';
import { TypedEmitter } from './typed-emitter.js';
import type { Connection } from '../ports/connection.js';

type Events = { ended: { id: string }; count: number };

describe('TypedEmitter (server core)', () => {
  it('calls every subscriber in order; a second subscriber does not replace the first', () => {
    const e = new TypedEmitter<Events>();
    const seen: string[] = [];
    e.on('ended', (p) => seen.push(`a:${p.id}`));
    const offB = e.on('ended', (p) => seen.push(`b:${p.id}`));
    e.emit('ended', { id: '1' });
    offB();
    e.emit('ended', { id: '2' });
    expect(seen).toEqual(['a:1', 'b:1', 'a:2']);
    expect(e.listenerCount('ended')).toBe(1);
    expect(e.listenerCount('count')).toBe(0);
  });

  it('runs the other subscribers when one throws, then rethrows the first error to the caller', () => {
    const e = new TypedEmitter<Events>();
    const got: number[] = [];
    e.on('count', () => {
      throw new Error('first');
    });
    e.on('count', () => {
      throw new Error('second');
    });
    e.on('count', (n) => got.push(n));
    expect(() => e.emit('count', 7)).toThrow('first');
    expect(got).toEqual([7]);
  });

  it('lets a subscriber unsubscribe itself while the event is being emitted', () => {
    const e = new TypedEmitter<Events>();
    const got: string[] = [];
    const off = e.on('count', () => {
      got.push('once');
      off();
    });
    e.on('count', () => got.push('always'));
    e.emit('count', 1);
    e.emit('count', 2);
    expect(got).toEqual(['once', 'always', 'always']);
  });

  it('ConnectionHub tells every subscriber when a user comes online and goes offline', () => {
    const hub = new ConnectionHub();
    const a: string[] = [];
    const b: string[] = [];
    hub.events.on('userOnline', ({ user_hash }) => a.push(`on:${user_hash}`));
    hub.events.on('userOffline', ({ user_hash }) => a.push(`off:${user_hash}`));
    hub.events.on('userOnline', ({ user_hash }) => b.push(`on:${user_hash}`));
    const conn = (client_hash: string): Connection => ({
      user_hash: 'u1',
      client_hash,
      bufferedBytes: () => 0,
      send: () => undefined,
      close: () => undefined,
    });
    const phone = conn('c1');
    const laptop = conn('c2');
    hub.add(phone);
    hub.add(laptop); // second client of the same user: no new notice
    hub.remove(phone);
    hub.remove(laptop);
    expect(a).toEqual(['on:u1', 'off:u1']);
    expect(b).toEqual(['on:u1']);
  });
});
