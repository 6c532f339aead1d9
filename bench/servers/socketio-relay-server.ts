// Baseline "what people pick instead": the same relay written the idiomatic socket.io way — auth in
// the handshake middleware, one room per client, events with acknowledgement callbacks. WebSocket
// transport only (no long-polling upgrade dance), so it carries the same traffic as the ws baseline.
import { createServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Server } from 'socket.io';
import { baselineToken } from './baseline-token.js';

const secret = process.env.BENCH_TOKEN_SECRET ?? 'bench';

interface SendFrame {
  to: string;
  msg_id: string;
  cf: string;
  ciphertext: string;
}

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 512 * 1024,
});
let nextId = 0;
// Only for the in-flight map (the ws baseline's at-least-once state); delivery goes through rooms.
const inflightOf = new Map<string, Map<string, string>>();

io.use((socket, next) => {
  const { client_id, token } = (socket.handshake.auth ?? {}) as { client_id?: string; token?: string };
  const expected = Buffer.from(baselineToken(secret, String(client_id)));
  const given = Buffer.from(String(token));
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return next(new Error('unauthorized'));
  socket.data.id = client_id;
  socket.data.inflight = new Map<string, string>();
  next();
});

io.on('connection', (socket) => {
  const me = socket.data.id as string;
  const inflight = socket.data.inflight as Map<string, string>;
  inflightOf.set(me, inflight);
  socket.on('disconnect', () => {
    if (inflightOf.get(me) === inflight) inflightOf.delete(me);
  });
  void socket.join(me);
  socket.on('message.send', (f: SendFrame, ack?: (r: unknown) => void) => {
    const ts = Date.now();
    const id = String(++nextId);
    inflightOf.get(f.to)?.set(id, f.msg_id);
    io.to(f.to).emit('envelope', { id, from: me, msg_id: f.msg_id, ts, cf: f.cf, ciphertext: f.ciphertext });
    ack?.({ msg_id: f.msg_id, ts });
  });
  socket.on('envelope.ack', (ids: string[]) => {
    for (const id of ids) inflight.delete(id);
  });
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const a = http.address();
  console.log(`socket.io relay listening at http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
});
const stop = () => {
  void io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
