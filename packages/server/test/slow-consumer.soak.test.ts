import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '@omechat/protocol';
import { spawnServer, type SpawnedServer } from '@omechat/test-kit';
import { CF, WsTestClient, randomMsgId } from './ws-test-client.js';

/**
 * A recipient that stops reading must not grow server memory: the server stops writing above the
 * send-buffer mark, parks envelopes in the store, and closes the reader after a grace period.
 * What the server holds for the stalled reader is bounded (send buffer, UNACKED_BYTES_PER_CONNECTION,
 * parked live copies as ids only). Measured 2026-12-02 (issue 12): live heap after a forced full
 * GC at the flood's peak is ~35 MiB (~17 MiB idle), and RSS grows ~52 MiB when GC is forced every
 * 250 ms; without that, V8 lets garbage of the 256 MiB that passes through (each frame is copied as
 * a string and parsed) pile up to about 4x the live heap before a full GC, so the peak depends on
 * how busy the machine is: 119-149 MiB with this code, and 174 MiB for the code from before live
 * copies waited for the device (43ff65a), in the same hour on the same loaded machine. The earlier
 * ~66 MiB was measured on a quiet machine; after the merge of issue 17 work, 113 MiB on a quiet
 * machine and 143 MiB in a clean-clone CI run (2026-12-02). The bound covers that GC headroom,
 * not a leak.
 */
const ENVELOPE_BYTES = 32 * 1024;
const ENVELOPES = 8192; // 256 MiB of ciphertext
const RSS_BOUND = 176 * 1024 * 1024;

let server: SpawnedServer;
beforeAll(async () => {
  server = await spawnServer({
    MESSAGES_PER_SECOND: '100000',
    MESSAGE_BURST: '100000',
    FRAMES_PER_SECOND: '100000',
    SLOW_CONSUMER_GRACE_MS: '4000',
    // This test measures back-pressure, not the pending quota (quotas.test.ts).
    PENDING_ENVELOPES_PER_DEVICE: '1000000',
    PENDING_BYTES_PER_DEVICE: String(2 ** 31),
  });
});
afterAll(async () => {
  await server?.stop();
});

async function api(path: string, body: unknown) {
  const r = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return r.json() as Promise<Record<string, string>>;
}
async function user(name: string, age: number) {
  const authenticator = randomBytes(32).toString('hex');
  await api('/api/v1/accounts', { username: name, age, authenticator });
  return api('/api/v1/clients', { username: name, authenticator });
}

describe('slow consumer', () => {
  it('keeps RSS bounded for a stalled reader, closes it, and loses nothing', async () => {
    const a = await user('flood_sender', 30);
    const b = await user('flood_reader', 31);
    const ca = await WsTestClient.authed(server.url, a as never);
    const cb = await WsTestClient.authed(server.url, b as never);
    await ca.request({ type: 'match.join', tolerance: 5 });
    await cb.request({ type: 'match.join', tolerance: 5 });
    const { chat } = await ca.waitType('match.found');
    await cb.waitType('sync.done');

    // The reader stops reading from its socket.
    (cb.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await new Promise((r) => setTimeout(r, 300));
    const before = server.rssBytes();
    let peak = before;
    const poll = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 50);

    const body = Buffer.alloc(ENVELOPE_BYTES * 0.75, 7).toString('base64'); // 32 KiB of base64
    let stored = 0;
    const inFlight = new Set<Promise<unknown>>();
    const sentIds = new Set<string>();
    for (let i = 0; i < ENVELOPES; i++) {
      const msg_id = randomMsgId();
      sentIds.add(msg_id);
      const p = ca
        .request(
          {
            type: 'message.send',
            chat_id: chat.chat_id,
            msg_id,
            cf: CF,
            envelopes: [{ to_client: b.client_hash, ciphertext: body }],
          },
          60_000,
        )
        .then((ack) => {
          stored += (ack as ServerFrameOf<'message.ack'>).stored;
          inFlight.delete(p);
        });
      inFlight.add(p);
      if (inFlight.size >= 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    // The grace period runs out: the stalled reader is closed.
    await new Promise((r) => setTimeout(r, 5000));
    clearInterval(poll);
    const growth = peak - before;
    console.log(
      `stalled reader: ${ENVELOPES} x ${ENVELOPE_BYTES} B sent, ${stored} stored, RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(stored).toBeGreaterThan(ENVELOPES * 0.9);
    expect(growth).toBeLessThan(RSS_BOUND);
    // Once the reader looks again, it finds its connection closed by the server.
    (cb.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await cb.closed(10_000)).toBeGreaterThan(1000);

    // A fresh connection of the same client gets every envelope exactly once; stored ones in order.
    // (Envelopes pushed live but never acknowledged are parked when the connection closes, so they
    // arrive after those stored during the stall: clients order a chat by the server's `ts`.)
    const again = await WsTestClient.authed(server.url, b as never);
    const seen = new Set<string>();
    let lastId = 0;
    let ordered = true;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`only ${seen.size} envelopes arrived`)), 60_000);
      const take = (f: { type: string; id?: string; msg_id?: string }) => {
        if (f.type !== 'envelope') return;
        seen.add(f.msg_id!);
        if (Number(f.id) <= lastId) ordered = false;
        lastId = Number(f.id);
        again.ws.send(JSON.stringify({ type: 'envelope.ack', ids: [f.id] }));
        if (seen.size === ENVELOPES) {
          clearTimeout(t);
          resolve();
        }
      };
      // Frames that came in the same read as auth.ok (the server batches a tick's writes) were
      // emitted before this listener existed: the client recorded them.
      for (const f of again.frames) take(f as { type: string; id?: string; msg_id?: string });
      again.ws.on('message', (d) =>
        take(JSON.parse(d.toString()) as { type: string; id?: string; msg_id?: string }),
      );
    });
    expect(seen.size).toBe(sentIds.size);
    expect(ordered).toBe(true);
    ca.close();
    again.close();
  }, 300_000);
});
