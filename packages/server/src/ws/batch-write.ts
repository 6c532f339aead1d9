import type { Writable } from 'node:stream';

/**
 * Held bytes at which a socket is flushed before the tick ends: a burst (a reconnect drain of a
 * cached block runs in one tick) must not pile up unsent, where the output bounds would count it
 * as a client that does not read.
 */
export const FLUSH_BYTES = 16 * 1024;

/** Sockets corked in this tick, uncorked together once its work (microtasks included) is done. */
let corked: Writable[] = [];

function uncorkAll(): void {
  // A socket corked again while these are flushed goes into a new list, with its own flush.
  const list = corked;
  corked = [];
  for (let i = 0; i < list.length; i++) list[i]!.uncork();
}

/**
 * Sends `text` on `ws`, whose TCP socket is `tcp`, batched with the other frames sent to it in the
 * same tick (the envelopes of a client's batch of sends, the acks that one `envelope.ack`
 * releases): they leave in one `writev` at the end of the tick instead of one each, which saves a
 * system call and a TCP segment per frame.
 */
export function batchWrite(tcp: Writable, ws: { send(text: string): void }, text: string): void {
  if (tcp.writableCorked === 0) {
    tcp.cork();
    if (corked.push(tcp) === 1) process.nextTick(uncorkAll);
  }
  ws.send(text);
  // Still in the list: the uncork at the end of the tick finds it corked again.
  if (tcp.writableLength >= FLUSH_BYTES) {
    tcp.uncork();
    tcp.cork();
  }
}
