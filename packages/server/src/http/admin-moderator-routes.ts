import type { FastifyInstance } from 'fastify';
import {
  AddModeratorRequestSchema,
  AddModeratorResponseSchema,
  AuditListSchema,
  AuditQuerySchema,
  ModeratorListSchema,
  ModeratorParamsSchema,
  parseInput,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { requireModerator } from './require-moderator.js';
import { routeDoc } from './route-doc.js';

/** Moderators (list, add, remove) and the audit log. Part of the admin API (admin-routes.ts). */
export function registerAdminModeratorRoutes(app: FastifyInstance, services: Services): void {
  const desk = services.moderation;
  app.get(
    '/moderators',
    {
      schema: routeDoc({
        summary: 'List moderators',
        tags: ['admin'],
        auth: 'moderator',
        ok: { 200: ModeratorListSchema },
      }),
    },
    async (req) => {
      await requireModerator(services, req);
      return { moderators: await services.moderators.list() };
    },
  );

  app.post(
    '/moderators',
    {
      schema: routeDoc({
        summary: 'Add a moderator (its token is shown once)',
        tags: ['admin'],
        auth: 'moderator',
        body: AddModeratorRequestSchema,
        ok: { 201: AddModeratorResponseSchema },
      }),
    },
    async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { name } = parseInput(AddModeratorRequestSchema, req.body);
      return reply.status(201).send(await services.moderators.add(actor, name));
    },
  );

  app.delete(
    '/moderators/:name',
    {
      schema: routeDoc({
        summary: 'Remove a moderator',
        tags: ['admin'],
        auth: 'moderator',
        params: ModeratorParamsSchema,
        ok: { 204: null },
      }),
    },
    async (req, reply) => {
      const actor = await requireModerator(services, req);
      await services.moderators.remove(actor, parseInput(ModeratorParamsSchema, req.params).name);
      return reply.status(204).send();
    },
  );

  app.get(
    '/audit',
    {
      schema: routeDoc({
        summary: 'The moderation audit log, newest first',
        tags: ['admin'],
        auth: 'moderator',
        querystring: AuditQuerySchema,
        ok: { 200: AuditListSchema },
      }),
    },
    async (req) => {
      await requireModerator(services, req);
      return { entries: await desk.listAudit(parseInput(AuditQuerySchema, req.query ?? {})) };
    },
  );
}
