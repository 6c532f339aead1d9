import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import websocket from '@fastify/websocket';
import { OmeChatError } from '@omechat/protocol';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { ClientSocket, type ClientSocketOptions, type SocketStats } from './client-socket.js';
import { UnauthenticatedSockets } from './unauthenticated-sockets.js';

export const WS_PATH = '/api/v1/ws';

export interface WsGatewayOptions extends ClientSocketOptions {
  heartbeatMs: number;
  unauthenticatedPerNetwork: number;
  unauthenticatedMax: number;
}

/** `GET /api/v1/ws`: the WebSocket endpoint (docs/protocol.md). Credentials come in the first frame. */
export async function registerWsGateway(
  app: FastifyInstance,
  services: Services,
  log: Logger,
  opts: WsGatewayOptions,
  stats: SocketStats,
): Promise<UnauthenticatedSockets> {
  await app.register(websocket, {
    // Frames a bit over our own limit reach the parser and get a typed FRAME_TOO_LARGE; far larger
    // ones are cut off by ws itself (close 1009) before they are buffered.
    options: { maxPayload: opts.maxFrameBytes * 2, perMessageDeflate: false },
    // Errors of an established socket (a frame over maxPayload, bad UTF-8, a reset): ws has already
    // begun closing with the right code. Logged at debug, by code only: no stack, no request.
    errorHandler: (error, socket) => {
      log.debug({ err: { code: (error as { code?: string }).code ?? error.name } }, 'websocket error');
      setTimeout(() => socket.terminate(), 2_000).unref();
    },
  });
  // Only this path upgrades. Any other route would be upgraded by the plugin and then closed with a
  // log line holding the full URL; refusing first keeps that line (and the upgrade) from happening.
  app.addHook('onRequest', async (req) => {
    if (req.ws && req.routeOptions.url !== WS_PATH) throw new OmeChatError('ROUTE_NOT_FOUND');
  });

  const pending = new UnauthenticatedSockets({
    perNetwork: opts.unauthenticatedPerNetwork,
    max: opts.unauthenticatedMax,
  });
  const releases = new WeakMap<object, () => void>();
  // Heartbeat: a peer that does not answer a ping within one interval is gone (a laptop lid closed,
  // a network that dropped without a FIN); terminating it frees its slot and tells its partners.
  const alive = new WeakMap<object, boolean>();
  app.get(
    WS_PATH,
    {
      websocket: true,
      // OpenAPI cannot describe a WebSocket protocol: docs/protocol.md does, and the API
      // description names this path (build-http-app.ts). @fastify/websocket hides it as well.
      schema: { hide: true },
      // Before the upgrade: a plain GET gets a typed 404, a network with too many sockets that have
      // not signed in gets TOO_MANY_CONNECTIONS, and neither costs a socket.
      onRequest: async (req: FastifyRequest) => {
        if (!req.ws)
          throw new OmeChatError('ROUTE_NOT_FOUND', { message: 'This path only takes WebSocket upgrades.' });
        const release = pending.tryReserve(req.networkHash);
        if (!release)
          throw new OmeChatError('TOO_MANY_CONNECTIONS', {
            retryAfterSeconds: Math.max(1, Math.ceil(opts.authTimeoutMs / 1000)),
          });
        req.raw.socket.once('close', release);
        releases.set(req.raw, release);
      },
    },
    (socket, req) => {
      // Keep nothing of the upgrade alive for the socket's life (issue 17, memory per connection):
      // the plugin's error listener holds the request and reply (ClientSocket logs errors itself),
      // and the upgrade's ServerResponse stays attached to the TCP socket unless detached.
      socket.removeAllListeners('error');
      const tcp = req.raw.socket as Socket & { _httpMessage?: ServerResponse | null };
      tcp._httpMessage?.detachSocket(tcp);
      alive.set(socket, true);
      socket.on('pong', onPong);
      new ClientSocket(socket, tcp, services, log, opts, { stats, onAuthenticated: releases.get(req.raw) });
    },
  );
  function onPong(this: WebSocket): void {
    alive.set(this, true);
  }
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
  return pending;
}
