import { describe, expect, it } from 'vitest';
import type { ServerFrameOf } from '@omechat/protocol';
import { startTestServer } from '@omechat/test-kit';
import { matchedPair } from './matched-pair.js';
import { CF, WsTestClient, randomMsgId } from './ws-test-client.js';

/**
 * docs/protocol.md "Delivery guarantees": with DELIVERY_ACK=store (design (a)) a live copy is
 * written before its sender's ack, so the ack does not wait for the device and the copy survives
 * the device dropping it; UNACKED_BYTES_PER_CONNECTION bounds what a device that reads but never
 * acknowledges makes the server hold (the rest waits in the store, nothing is lost).
 */
describe('delivery acknowledgement modes', () => {
  it('DELIVERY_ACK=store acknowledges a live copy once written, and the copy is pending until acked', async () => {
    // The device deadline is a minute: an ack within seconds can only come from the write.
    const s = await startTestServer({ DELIVERY_ACK: 'store', LIVE_ACK_DEADLINE_MS: '60000' });
    try {
      const { b, ca, cb, chat_id } = await matchedPair(s, ['dam_a1', 'dam_b1'], [30, 30], 0);
      await cb.waitType('sync.done');
      const msg_id = randomMsgId();
      const ack = (await ca.request({
        type: 'message.send',
        chat_id,
        msg_id,
        cf: CF,
        envelopes: [{ to_client: b.client_hash, ciphertext: 'QUJD' }],
      })) as ServerFrameOf<'message.ack'>;
      expect(ack.type).toBe('message.ack');
      expect(ack.delivered).toBe(1);
      expect(ack.partner_delivered).toBe(1);
      const live = await cb.waitFor((f) => f.type === 'envelope' && f.msg_id === msg_id);
      // The device goes away without acknowledging: the written copy is its pending envelope.
      cb.close();
      await cb.closed();
      const again = await WsTestClient.authed(s.url, b);
      const stored = (await again.waitFor(
        (f) => f.type === 'envelope' && f.msg_id === msg_id,
      )) as ServerFrameOf<'envelope'>;
      expect(stored.id).not.toBe((live as ServerFrameOf<'envelope'>).id);
      again.ws.send(JSON.stringify({ type: 'envelope.ack', ids: [stored.id] }));
      await new Promise((r) => setTimeout(r, 200));
      again.close();
      await again.closed();
      const third = await WsTestClient.authed(s.url, b);
      const done = (await third.waitType('sync.done')) as ServerFrameOf<'sync.done'>;
      expect(done.pending).toBe(0);
      expect(third.ofType('envelope')).toHaveLength(0);
      third.close();
      ca.close();
    } finally {
      await s.destroy();
    }
  });

  it('holds at most UNACKED_BYTES_PER_CONNECTION for a device that reads but never acknowledges', async () => {
    const s = await startTestServer({
      UNACKED_BYTES_PER_CONNECTION: String(64 * 1024),
      MESSAGES_PER_SECOND: '1000',
      MESSAGE_BURST: '1000',
    });
    try {
      const { b, ca, cb: first, chat_id } = await matchedPair(s, ['dam_a2', 'dam_b2'], [30, 30], 0);
      // Offline while 20 messages are stored for it.
      first.close();
      await first.closed();
      const body = Buffer.alloc(12 * 1024, 3).toString('base64'); // 16 KiB of base64
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const msg_id = randomMsgId();
        ids.push(msg_id);
        await ca.request({
          type: 'message.send',
          chat_id,
          msg_id,
          cf: CF,
          envelopes: [{ to_client: b.client_hash, ciphertext: body }],
        });
      }
      // It connects and reads, but acknowledges nothing yet.
      const cb = await WsTestClient.authed(s.url, b);
      await new Promise((r) => setTimeout(r, 500));
      // 64 KiB of unacknowledged ciphertext: four copies, the others wait in the store.
      const got = cb.ofType('envelope');
      expect(got.length).toBe(4);
      // Acknowledging makes room: the rest arrives, each once.
      const seen = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${seen.size} of 20 arrived`)), 10_000);
        const ack = (f: ServerFrameOf<'envelope'>) => {
          seen.add(f.msg_id);
          cb.ws.send(JSON.stringify({ type: 'envelope.ack', ids: [f.id] }));
          if (seen.size === ids.length) {
            clearTimeout(t);
            resolve();
          }
        };
        for (const f of got) ack(f);
        cb.ws.on('message', (d) => {
          const f = JSON.parse(String(d)) as ServerFrameOf<'envelope'>;
          if (f.type === 'envelope') ack(f);
        });
      });
      expect([...seen].sort()).toEqual([...ids].sort());
      cb.close();
      ca.close();
    } finally {
      await s.destroy();
    }
  });
});
