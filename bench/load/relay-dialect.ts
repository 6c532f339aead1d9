import { isOmechat, type ServerKind } from '../lib/spawn-bench-server.js';
import type { Creds, RelayPair, SealedMessage } from './load-types.js';

/** What an incoming text frame means to the load generator. */
export type Incoming =
  | { k: 'ready' }
  | { k: 'envelope'; msgId: string; id: string }
  | { k: 'ack'; msgId: string }
  | { k: 'reply'; text: string }
  | { k: 'error'; text: string }
  | { k: 'other' };

/**
 * One server's wire protocol, reduced to string building and prefix tests so the load generator's
 * own cost stays small and equal across servers (frames are never JSON-parsed on the hot path).
 */
export interface RelayDialect {
  path(): string;
  /** Frame to send once the socket is open (null: wait for the server to speak first). */
  onOpen(creds: Creds): string | null;
  classify(text: string, creds: Creds): Incoming;
  send(pair: RelayPair, seq: number, msgId: string, m: SealedMessage): string;
  ack(ids: string[]): string;
}

/** Reads `"name":"value"` out of a frame without parsing it (values here never contain quotes). */
export function field(text: string, name: string): string {
  const key = `"${name}":"`;
  const i = text.indexOf(key);
  if (i < 0) return '';
  const start = i + key.length;
  return text.slice(start, text.indexOf('"', start));
}

const omechat: RelayDialect = {
  path: () => '/api/v1/ws',
  onOpen: (c) => `{"type":"auth","ref":"auth","client_hash":"${c.id}","access_token":"${c.token}"}`,
  classify(text) {
    if (text.startsWith('{"type":"envelope"'))
      return { k: 'envelope', msgId: field(text, 'msg_id'), id: field(text, 'id') };
    if (text.startsWith('{"type":"message.ack"')) return { k: 'ack', msgId: field(text, 'msg_id') };
    // Ready once the stored envelopes were drained (auth.ok comes first).
    if (text.startsWith('{"type":"sync.done"')) return { k: 'ready' };
    if (text.startsWith('{"type":"error"')) return { k: 'error', text };
    return { k: 'other' };
  },
  send: (p, seq, msgId, m) =>
    `{"type":"message.send","ref":"${seq}","chat_id":"${p.chat_id}","msg_id":"${msgId}","cf":"${m.cf}","envelopes":[{"to_client":"${p.b.id}","ciphertext":"${m.ciphertext}"}]}`,
  ack: (ids) => `{"type":"envelope.ack","ids":${JSON.stringify(ids)}}`,
};

const ws: RelayDialect = {
  path: () => '/',
  onOpen: (c) => `{"type":"auth","ref":"auth","client_id":"${c.id}","token":"${c.token}"}`,
  classify(text) {
    if (text.startsWith('{"type":"envelope"'))
      return { k: 'envelope', msgId: field(text, 'msg_id'), id: field(text, 'id') };
    if (text.startsWith('{"type":"message.ack"')) return { k: 'ack', msgId: field(text, 'msg_id') };
    if (text.startsWith('{"type":"auth.ok"')) return { k: 'ready' };
    return { k: 'other' };
  },
  send: (p, seq, msgId, m) =>
    `{"type":"message.send","ref":"${seq}","to":"${p.b.id}","msg_id":"${msgId}","cf":"${m.cf}","ciphertext":"${m.ciphertext}"}`,
  ack: (ids) => `{"type":"envelope.ack","ids":${JSON.stringify(ids)}}`,
};

// socket.io v4 over engine.io v4, spoken directly on a ws socket: "0{...}" open, "40{auth}" connect,
// "2"/"3" ping/pong, "42[event,data]" events, "42<n>[...]" emit with ack n, "43<n>[...]" the ack.
const socketio: RelayDialect = {
  path: () => '/socket.io/?EIO=4&transport=websocket',
  onOpen: () => null,
  classify(text, c) {
    if (text.startsWith('42["envelope"'))
      return { k: 'envelope', msgId: field(text, 'msg_id'), id: field(text, 'id') };
    if (text.startsWith('43')) return { k: 'ack', msgId: field(text, 'msg_id') };
    if (text === '2') return { k: 'reply', text: '3' };
    if (text.startsWith('0{'))
      return { k: 'reply', text: `40${JSON.stringify({ client_id: c.id, token: c.token })}` };
    if (text.startsWith('40')) return { k: 'ready' };
    if (text.startsWith('44')) return { k: 'error', text };
    return { k: 'other' };
  },
  send: (p, seq, msgId, m) =>
    `42${seq}["message.send",{"to":"${p.b.id}","msg_id":"${msgId}","cf":"${m.cf}","ciphertext":"${m.ciphertext}"}]`,
  ack: (ids) => `42["envelope.ack",${JSON.stringify(ids)}]`,
};

export function relayDialect(kind: ServerKind): RelayDialect {
  return isOmechat(kind) ? omechat : kind === 'ws' ? ws : socketio;
}
