import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { OmeChatError } from '@omechat/protocol';
import type { Logger } from '../logger.js';
import type { Principal } from '../core/accounts/account-service.js';
import type { Services } from '../services.js';
import { toOmeChatError } from './error-reply.js';
import { parseBearer } from './bearer-auth.js';
import { accountRoutes } from './account-routes.js';
import { registerWsGateway } from '../ws/ws-gateway.js';
import { registerMetrics } from './metrics-routes.js';
import { registerWebApp } from './web-app-routes.js';
import type { ClientSocketOptions } from '../ws/client-socket.js';

export interface HttpAppOptions {
  services: Services;
  logger: Logger;
  trustProxy: boolean;
  bodyLimit: number;
  ws: ClientSocketOptions & { heartbeatMs: number };
  metrics: boolean;
  /** The built web app (packages/web/dist); nothing is served at / when it does not exist. */
  webDir: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    networkHash: string;
  }
}

/** Builds the fastify app without listening, so tests can inject or listen on an ephemeral port. */
export async function buildHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: opts.trustProxy,
    bodyLimit: opts.bodyLimit,
    return503OnClosing: true,
  });

  // JSON only: a text body would otherwise reach the schemas as a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('networkHash', '');
  app.addHook('onRequest', async (req) => {
    req.networkHash = opts.services.networkHasher.hash(req.ip);
  });
  // Logs the route pattern only: no URL (may hold ids), no IP, no headers.
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? '(none)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const { error, unexpected } = toOmeChatError(err);
    if (unexpected)
      req.log.error(
        { err: { name: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack } },
        'unexpected error',
      );
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(error.status).send({ error: error.toBody() });
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.status(404).send({ error: new OmeChatError('ROUTE_NOT_FOUND').toBody() });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  await registerWsGateway(app, opts.services, opts.logger, opts.ws);
  if (opts.metrics) registerMetrics(app, opts.services);
  void app.register(accountRoutes(opts.services), { prefix: '/api/v1' });
  await registerWebApp(app, opts.webDir);
  return app;
}

/** Resolves the caller from the Authorization header or throws UNAUTHENTICATED. */
export async function requirePrincipal(services: Services, req: FastifyRequest): Promise<Principal> {
  const { client_hash, access_token } = parseBearer(req.headers.authorization);
  return services.accounts.authenticate(client_hash, access_token);
}
