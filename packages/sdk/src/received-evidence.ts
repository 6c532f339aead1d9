import type { DeliveredEnvelope, RevealedMessage } from '@omechat/protocol';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import type { OpenedFranking } from './peer-sessions.js';

/**
 * What this device keeps of every message it received so it can be reported later (DESIGN §8):
 * the committed body and `kf` from the decrypted payload, and `msg_id`, `ts`, `kid`, `cf`, `rf`
 * from the envelope. Stored beside the message, in the same write, so it lives exactly as long.
 */
const prefix = (chat_id: string) => `evidence:${chat_id}:`;
const key = (chat_id: string, msg_id: string) => `${prefix(chat_id)}${msg_id}`;

export function evidenceOp(env: DeliveredEnvelope, franking: OpenedFranking): KeyStoreOp {
  const value: RevealedMessage = {
    msg_id: env.msg_id,
    ts: env.ts,
    kid: env.kid,
    body: franking.body,
    kf: franking.kf,
    cf: env.cf,
    rf: env.rf,
  };
  return { key: key(env.chat_id, env.msg_id), value };
}

/** Every kept received message of a chat, oldest first. */
export async function chatEvidence(store: KeyStore, chat_id: string): Promise<RevealedMessage[]> {
  const out: RevealedMessage[] = [];
  for (const k of await store.keys(prefix(chat_id))) {
    const m = await store.get<RevealedMessage>(k);
    if (m) out.push(m);
  }
  return out.sort((a, b) => a.ts - b.ts || (a.msg_id < b.msg_id ? -1 : 1));
}
