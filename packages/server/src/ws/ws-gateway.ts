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
  opts: ClientSocketOptions,
) {
  await app.register(websocket, {
    // Frames a bit over our own limit reach the parser and get a typed FRAME_TOO_LARGE; far larger
    // ones are cut off by ws itself (close 1009) before they are buffered.
    options: { maxPayload: opts.maxFrameBytes * 2, perMessageDeflate: false },
  });
  app.get('/api/v1/ws', { websocket: true }, (socket) => {
    new ClientSocket(socket, services, log, opts);
  });
}
