// Baseline "practical limit": the least a Node relay can do for the same traffic with `ws` and JSON
// frames. First frame authenticates (HMAC token), `message.send` is parsed, forwarded to the peer
// as an `envelope` with an id and acknowledged; the receiver's `envelope.ack` clears the id from the
// connection's in-flight map (the minimum state for at-least-once). No storage, no checks beyond that.
import { createServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { baselineToken } from './baseline-token.js';

const secret = process.env.BENCH_TOKEN_SECRET ?? 'bench';

interface Peer {
  id: string;
  ws: WebSocket;
  inflight: Map<string, string>;
}

const peers = new Map<string, Peer>();
let nextId = 0;

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 512 * 1024 });

wss.on('connection', (ws) => {
  let me: Peer | null = null;
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    if (me && peers.get(me.id) === me) peers.delete(me.id);
  });
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (!me) {
      const expected = Buffer.from(baselineToken(secret, String(f.client_id)));
      const given = Buffer.from(String(f.token));
      if (f.type !== 'auth' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ws.close(4401);
        return;
      }
      me = { id: f.client_id, ws, inflight: new Map() };
      peers.get(me.id)?.ws.close(4409); // a second connection of a client replaces the first
      peers.set(me.id, me);
      ws.send(JSON.stringify({ type: 'auth.ok', ref: f.ref, client_id: me.id }));
      return;
    }
    if (f.type === 'message.send') {
      const ts = Date.now();
      const to = peers.get(f.to);
      if (to) {
        const id = String(++nextId);
        to.inflight.set(id, f.msg_id);
        to.ws.send(
          JSON.stringify({
            type: 'envelope',
            id,
            from: me.id,
            msg_id: f.msg_id,
            ts,
            cf: f.cf,
            ciphertext: f.ciphertext,
          }),
        );
      }
      ws.send(
        JSON.stringify({ type: 'message.ack', ref: f.ref, msg_id: f.msg_id, ts, delivered: to ? 1 : 0 }),
      );
    } else if (f.type === 'envelope.ack') {
      for (const id of f.ids) me.inflight.delete(id);
    }
  });
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const a = http.address();
  console.log(`ws relay listening at http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
});
const stop = () => {
  for (const c of wss.clients) c.terminate();
  http.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
