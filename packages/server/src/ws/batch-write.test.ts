import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FLUSH_BYTES, batchWrite } from './batch-write.js';

/** A socket that records each write to its sink (one entry per write or writev), and a sender on it. */
function socket() {
  const calls: number[][] = [];
  const tcp = new Writable({
    highWaterMark: 1 << 30,
    write(chunk: Buffer, _enc, cb) {
      calls.push([chunk.length]);
      cb();
    },
    writev(chunks, cb) {
      calls.push(chunks.map((c) => (c.chunk as Buffer).length));
      cb();
    },
  });
  const ws = { send: (text: string) => void tcp.write(Buffer.from(text)) };
  const send = (n: number) => batchWrite(tcp, ws, 'x'.repeat(n));
  return { tcp, calls, send };
}

const endOfTick = () => new Promise<void>((r) => setImmediate(r));

describe('batchWrite', () => {
  it('sends the frames written to one socket in the same tick in one writev, at the end of the tick', async () => {
    const s = socket();
    for (const n of [10, 20, 30]) s.send(n);
    expect(s.calls).toEqual([]);
    await Promise.resolve(); // a frame sent from a microtask of the same tick joins the batch
    s.send(40);
    await endOfTick();
    expect(s.calls).toEqual([[10, 20, 30, 40]]);
    expect(s.tcp.writableCorked).toBe(0);
    s.send(5);
    await endOfTick();
    expect(s.calls).toEqual([[10, 20, 30, 40], [5]]);
  });

  it('keeps sockets apart, and flushes a socket at once when it holds FLUSH_BYTES', async () => {
    const a = socket();
    const b = socket();
    const big = FLUSH_BYTES / 2;
    for (let i = 0; i < 5; i++) {
      a.send(big);
      b.send(1);
    }
    // a: the second and the fourth frame each brought it to FLUSH_BYTES: sent at once, two by two.
    expect(a.calls).toEqual([
      [big, big],
      [big, big],
    ]);
    expect(a.tcp.writableLength).toBe(big);
    expect(b.calls).toEqual([]);
    await endOfTick();
    expect(a.calls).toEqual([[big, big], [big, big], [big]]);
    expect(b.calls).toEqual([[1, 1, 1, 1, 1]]);
  });
});
