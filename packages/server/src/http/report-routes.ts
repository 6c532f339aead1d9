import type { FastifyPluginAsync } from 'fastify';
import {
  AppealRequestSchema,
  ReportRequestSchema,
  StandingRequestSchema,
  parseInput,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { requirePrincipal } from './build-http-app.js';

/**
 * The users' side of moderation (docs/protocol.md): franked reports, the account's standing, and
 * appeals. Standing and appeals also work without a client (a banned account has none): they take
 * exactly what sign-in takes.
 */
export function reportRoutes(services: Services, opts: { reportBodyLimit: number }): FastifyPluginAsync {
  return async (app) => {
    // Revealed messages make a report larger than other requests; it gets its own bound.
    app.post('/reports', { bodyLimit: opts.reportBodyLimit }, async (req, reply) => {
      const principal = await requirePrincipal(services, req);
      const body = parseInput(ReportRequestSchema, req.body);
      return reply.status(201).send(await services.reports.submit(principal, body));
    });

    app.get('/account/standing', async (req) => {
      const principal = await requirePrincipal(services, req);
      return services.standing.standing(principal.user_hash);
    });

    app.post('/standing', async (req) => {
      const body = parseInput(StandingRequestSchema, req.body);
      return services.appeals.standing(body, req.networkHash);
    });

    app.post('/appeals', async (req, reply) => {
      const body = parseInput(AppealRequestSchema, req.body);
      return reply.status(201).send(await services.appeals.appeal(body, req.networkHash));
    });
  };
}
