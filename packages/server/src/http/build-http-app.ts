import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HealthResponseSchema, OmeChatError } from '@omechat/protocol';
import { RouteMethods } from './route-methods.js';
import type { Logger } from '../logger.js';
import type { Principal } from '../core/accounts/account-service.js';
import type { Services } from '../services.js';
import { toOmeChatError } from './error-reply.js';
import { parseBearer } from './bearer-auth.js';
import { accountRoutes } from './account-routes.js';
import { adminRoutes } from './admin-routes.js';
import { reportRoutes } from './report-routes.js';
import { WS_PATH, registerWsGateway, type WsGatewayOptions } from '../ws/ws-gateway.js';
import { registerMetrics } from './metrics-routes.js';
import { registerWebApp } from './web-app-routes.js';
import { SECURITY_HEADERS, clientErrorHandler } from './client-error-handler.js';
import type { SocketStats } from '../ws/client-socket.js';
import { SECURITY_SCHEMES, routeDoc } from './route-doc.js';

export interface HttpAppOptions {
  services: Services;
  logger: Logger;
  trustProxy: boolean;
  bodyLimit: number;
  /** Bound of a report's body (it carries revealed messages). */
  reportBodyLimit: number;
  ws: WsGatewayOptions;
  metrics: boolean;
  /** The built web app (packages/web/dist); nothing is served at / when it does not exist. */
  webDir: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    networkHash: string;
  }
  interface FastifyInstance {
    /** Every route registered, for the test that each one is described in the OpenAPI document. */
    registeredRoutes: { method: string; url: string; hidden: boolean }[];
  }
}

/** The API's version, shown in its OpenAPI description. */
const API_VERSION = '1.0.0';

/** Long enough for a 128-hex id (v1 imports) to reach our own validator instead of a 414. */
const MAX_PARAM_LENGTH = 256;

/** Builds the fastify app without listening, so tests can inject or listen on an ephemeral port. */
export async function buildHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const log = opts.logger;
  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: opts.trustProxy,
    bodyLimit: opts.bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Our own SERVICE_BUSY below instead of fastify's body (without our headers).
    return503OnClosing: false,
    // Requests the router refuses (a bad %-encoding, an over-long parameter): catalogue errors.
    frameworkErrors: (err, _req, res) => {
      log.debug({ err: { code: err.code } }, 'request refused by the router');
      const error = new OmeChatError('INVALID_INPUT', { message: 'The request path is not valid.' });
      const reply = res as FastifyReply;
      void reply.headers(SECURITY_HEADERS).header('cache-control', 'no-store');
      void reply.status(error.status).send({ error: error.toBody() });
    },
    // Requests node's HTTP parser refuses never reach fastify: answered on the raw socket.
    clientErrorHandler: (err, socket) => clientErrorHandler(err, socket, log),
  });

  // JSON only: a text body would otherwise reach the schemas as a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('networkHash', '');
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    req.networkHash = await opts.services.networkHasher.hash(req.ip);
    if (closing) {
      void reply.header('connection', 'close');
      throw new OmeChatError('SERVICE_BUSY', { message: 'The server is shutting down.' });
    }
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
    reply.headers(SECURITY_HEADERS);
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
  const routeMethods = new RouteMethods(app, [WS_PATH]);
  app.setNotFoundHandler((req, reply) => {
    const allowed = routeMethods.allowed(req.url.split('?')[0] ?? '/');
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      void reply.header('allow', allowed.join(', '));
      void reply.status(405).send({ error: new OmeChatError('METHOD_NOT_ALLOWED').toBody() });
      return;
    }
    void reply.status(404).send({ error: new OmeChatError('ROUTE_NOT_FOUND').toBody() });
  });

  // The OpenAPI 3.1 description is generated from the routes' zod schemas (route-doc.ts). Those
  // schemas describe; they do not validate: handlers parse with parseInput so refusals stay
  // catalogue codes, and replies are plain JSON.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const registeredRoutes: { method: string; url: string; hidden: boolean }[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (r) => {
    const hidden = Boolean((r.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of [r.method].flat()) registeredRoutes.push({ method, url: r.url, hidden });
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OmeChat API',
        version: API_VERSION,
        description:
          'HTTP API of OmeChat. The real-time protocol runs over the WebSocket at /api/v1/ws (docs/protocol.md); every refusal is a code of the error catalogue (docs/errors.md).',
      },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: jsonSchemaTransform,
  });
  app.get(
    '/api/v1/openapi.json',
    {
      schema: routeDoc({
        summary: 'This description of the HTTP API (OpenAPI 3.1)',
        tags: ['meta'],
        auth: 'none',
        ok: { 200: z.record(z.string(), z.unknown()) },
      }),
    },
    async () => app.swagger(),
  );

  app.get(
    '/healthz',
    {
      schema: routeDoc({
        summary: 'Liveness',
        tags: ['meta'],
        auth: 'none',
        ok: { 200: HealthResponseSchema },
      }),
    },
    async () => ({ status: 'ok' }),
  );
  const stats: SocketStats = { slowConsumersClosed: 0 };
  const pending = await registerWsGateway(app, opts.services, log, opts.ws, stats);
  if (opts.metrics) registerMetrics(app, opts.services, { sockets: stats, pending });
  void app.register(accountRoutes(opts.services), { prefix: '/api/v1' });
  void app.register(reportRoutes(opts.services, opts), { prefix: '/api/v1' });
  void app.register(adminRoutes(opts.services), { prefix: '/api/v1/admin' });
  await registerWebApp(app, opts.webDir);
  return app;
}

/**
 * Resolves the caller from the Authorization header or throws UNAUTHENTICATED. `rotation`: the
 * route is one a rotation-only client (legacy sign-in) may use.
 */
export async function requirePrincipal(
  services: Services,
  req: FastifyRequest,
  rotation = false,
): Promise<Principal> {
  const { client_hash, access_token } = parseBearer(req.headers.authorization);
  return services.accounts.authenticate(client_hash, access_token, rotation);
}
