import type { FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { ClientSocket, type ClientSocketOptions } from './client-socket.js';

/** `GET /api/v1/ws`: the WebSocket endpoint (docs/protocol.md). Credentials come in the first frame. */
export async function registerWsGateway(
  app: FastifyInstance,
  services: Services,
  log: Logger,
  opts: ClientSocketOptions & { heartbeatMs: number },
) {
  await app.register(websocket, {
    // Frames a bit over our own limit reach the parser and get a typed FRAME_TOO_LARGE; far larger
    // ones are cut off by ws itself (close 1009) before they are buffered.
    options: { maxPayload: opts.maxFrameBytes * 2, perMessageDeflate: false },
  });
  // Heartbeat: a peer that does not answer a ping within one interval is gone (a laptop lid closed,
  // a network that dropped without a FIN); terminating it frees its slot and tells its partners.
  const alive = new WeakMap<object, boolean>();
  app.get('/api/v1/ws', { websocket: true }, (socket) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    new ClientSocket(socket, services, log, opts);
  });
  const timer = setInterval(() => {
    for (const socket of app.websocketServer.clients) {
      if (!alive.get(socket)) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, opts.heartbeatMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
