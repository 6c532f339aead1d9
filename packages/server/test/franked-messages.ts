import { frankingCommitment, newFrankingKey } from '@omechat/crypto';
import type { RevealedMessage, ServerFrameOf } from '@omechat/protocol';
import { b64, randomMsgId, type WsTestClient } from './ws-test-client.js';

/**
 * Sends a franked message through the real relay the way the SDK does: a fresh `kf`, the
 * commitment `cf = HMAC(kf, body)` from @omechat/crypto beside the ciphertext (the server never
 * decrypts, so the ciphertext here is opaque bytes), then waits for the recipient's envelope with
 * the server's `ts`, `kid` and `rf`. Returns what the recipient would reveal in a report.
 */
export async function sendFranked(
  from: WsTestClient,
  to: WsTestClient,
  chat_id: string,
  to_client: string,
  text: string,
): Promise<RevealedMessage> {
  const kf = newFrankingKey();
  const body = JSON.stringify({ v: 1, t: 'text', text });
  const cf = frankingCommitment(kf, body);
  const msg_id = randomMsgId();
  const ack = await from.request({
    type: 'message.send',
    chat_id,
    msg_id,
    cf,
    envelopes: [{ to_client, ciphertext: b64(`sealed:${msg_id}`) }],
  });
  if (ack.type !== 'message.ack') throw new Error(`send failed: ${JSON.stringify(ack)}`);
  const env = (await to.waitFor(
    (f) => f.type === 'envelope' && f.msg_id === msg_id,
  )) as ServerFrameOf<'envelope'>;
  await to.request({ type: 'envelope.ack', ids: [env.id] });
  return { msg_id, ts: env.ts, kid: env.kid, body, kf, cf, rf: env.rf };
}
