import type { FastifyPluginAsync } from 'fastify';
import {
  AppealRequestSchema,
  AppealViewSchema,
  parseInput,
  ReportReceiptSchema,
  ReportRequestSchema,
  StandingRequestSchema,
  StandingSchema,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { routeDoc } from './route-doc.js';
import { requirePrincipal } from './build-http-app.js';

/**
 * The users' side of moderation (docs/protocol.md): franked reports, the account's standing, and
 * appeals. Standing and appeals also work without a client (a banned account has none): they take
 * exactly what sign-in takes.
 */
export function reportRoutes(services: Services, opts: { reportBodyLimit: number }): FastifyPluginAsync {
  return async (app) => {
    // Revealed messages make a report larger than other requests; it gets its own bound.
    app.post(
      '/reports',
      {
        bodyLimit: opts.reportBodyLimit,
        schema: routeDoc({
          summary: 'Report a chat partner, revealing franked messages as evidence',
          tags: ['moderation'],
          auth: 'client',
          body: ReportRequestSchema,
          ok: { 201: ReportReceiptSchema },
        }),
      },
      async (req, reply) => {
        const principal = await requirePrincipal(services, req);
        await services.network.admitReport(req.networkHash);
        const body = parseInput(ReportRequestSchema, req.body);
        return reply.status(201).send(await services.reports.submit(principal, body));
      },
    );

    app.get(
      '/account/standing',
      {
        schema: routeDoc({
          summary: 'My standing: strikes, restrictions, bans, appeals',
          tags: ['moderation'],
          auth: 'client',
          ok: { 200: StandingSchema },
        }),
      },
      async (req) => {
        const principal = await requirePrincipal(services, req);
        return services.standing.standing(principal.user_hash);
      },
    );

    app.post(
      '/standing',
      {
        schema: routeDoc({
          summary: 'Standing of an account, by its credentials (works while banned)',
          tags: ['moderation'],
          auth: 'none',
          body: StandingRequestSchema,
          ok: { 200: StandingSchema },
        }),
      },
      async (req) => {
        const body = parseInput(StandingRequestSchema, req.body);
        return services.appeals.standing(body, req.networkHash);
      },
    );

    app.post(
      '/appeals',
      {
        schema: routeDoc({
          summary: 'Appeal a strike, by the account credentials',
          tags: ['moderation'],
          auth: 'none',
          body: AppealRequestSchema,
          ok: { 201: AppealViewSchema },
        }),
      },
      async (req, reply) => {
        const body = parseInput(AppealRequestSchema, req.body);
        return reply.status(201).send(await services.appeals.appeal(body, req.networkHash));
      },
    );
  };
}
