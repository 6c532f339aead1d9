import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../src/typed-emitter.js';

type Events = { msg: { text: string }; count: number };

describe('TypedEmitter', () => {
  it('calls listeners in order with the payload; off and the returned unsubscribe remove them', () => {
    const e = new TypedEmitter<Events>();
    const seen: string[] = [];
    const a = (p: { text: string }) => seen.push(`a:${p.text}`);
    e.on('msg', a);
    const offB = e.on('msg', (p) => seen.push(`b:${p.text}`));
    e.emit('msg', { text: '1' });
    e.off('msg', a);
    e.emit('msg', { text: '2' });
    offB();
    e.emit('msg', { text: '3' });
    expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
    expect(e.listenerCount('msg')).toBe(0);
  });

  it('once fires a single time and can be cancelled before it fires', () => {
    const e = new TypedEmitter<Events>();
    const got: number[] = [];
    e.once('count', (n) => got.push(n));
    const cancel = e.once('count', (n) => got.push(n * 100));
    cancel();
    e.emit('count', 1);
    e.emit('count', 2);
    expect(got).toEqual([1]);
  });

  it('a listener removed by an earlier one during emit still sees this emit; added ones wait for the next', () => {
    const e = new TypedEmitter<Events>();
    const got: string[] = [];
    const late = () => got.push('late');
    e.on('count', () => {
      got.push('first');
      e.on('count', late);
    });
    e.emit('count', 1);
    expect(got).toEqual(['first']);
  });

  it('a throwing listener neither stops the others nor throws into emit; its error is reported', async () => {
    const e = new TypedEmitter<Events>();
    const reported: unknown[] = [];
    const g = globalThis as { reportError?: (err: unknown) => void };
    const saved = g.reportError;
    g.reportError = (err) => reported.push(err);
    try {
      const got: number[] = [];
      e.on('count', () => {
        throw new Error('boom');
      });
      e.on('count', (n) => got.push(n));
      expect(() => e.emit('count', 5)).not.toThrow();
      expect(got).toEqual([5]);
      expect(reported).toEqual([new Error('boom')]);
    } finally {
      g.reportError = saved;
    }
  });
});
