import type { FastifyInstance } from 'fastify';
import {
  AccountParamsSchema,
  AccountSummarySchema,
  AdminAppealSchema,
  AppealIdParamsSchema,
  AppealListSchema,
  AppealsQuerySchema,
  BanRequestSchema,
  BanResponseSchema,
  DecideAppealRequestSchema,
  NoteRequestSchema,
  NoteSchema,
  parseInput,
  UnbanRequestSchema,
  UnbanResponseSchema,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { requireModerator } from './require-moderator.js';
import { routeDoc } from './route-doc.js';

/** Accounts (look up, ban, unban) and appeals. Part of the admin API (admin-routes.ts). */
export function registerAdminAccountRoutes(app: FastifyInstance, services: Services): void {
  const desk = services.moderation;
  app.get(
    '/accounts/:user_hash',
    {
      schema: routeDoc({
        summary: 'An account as moderators see it (band, age, days, strikes)',
        tags: ['admin'],
        auth: 'moderator',
        params: AccountParamsSchema,
        ok: { 200: AccountSummarySchema },
      }),
    },
    async (req) => {
      await requireModerator(services, req);
      return desk.account(parseInput(AccountParamsSchema, req.params).user_hash);
    },
  );

  app.post(
    '/accounts/:user_hash/ban',
    {
      schema: routeDoc({
        summary: 'Ban an account',
        tags: ['admin'],
        auth: 'moderator',
        params: AccountParamsSchema,
        body: BanRequestSchema,
        ok: { 201: BanResponseSchema },
      }),
    },
    async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { user_hash } = parseInput(AccountParamsSchema, req.params);
      const strike = await desk.ban(actor, user_hash, parseInput(BanRequestSchema, req.body));
      return reply.status(201).send({ strike });
    },
  );

  app.post(
    '/accounts/:user_hash/unban',
    {
      schema: routeDoc({
        summary: 'Lift the bans of an account',
        tags: ['admin'],
        auth: 'moderator',
        params: AccountParamsSchema,
        body: UnbanRequestSchema,
        ok: { 200: UnbanResponseSchema },
      }),
    },
    async (req) => {
      const actor = await requireModerator(services, req);
      const { user_hash } = parseInput(AccountParamsSchema, req.params);
      return desk.unban(actor, user_hash, parseInput(UnbanRequestSchema, req.body).statement);
    },
  );

  app.get(
    '/appeals',
    {
      schema: routeDoc({
        summary: 'List appeals',
        tags: ['admin'],
        auth: 'moderator',
        querystring: AppealsQuerySchema,
        ok: { 200: AppealListSchema },
      }),
    },
    async (req) => {
      await requireModerator(services, req);
      return { appeals: await desk.listAppeals(parseInput(AppealsQuerySchema, req.query ?? {})) };
    },
  );

  app.get(
    '/appeals/:appeal_id',
    {
      schema: routeDoc({
        summary: 'One appeal with its strike and notes',
        tags: ['admin'],
        auth: 'moderator',
        params: AppealIdParamsSchema,
        ok: { 200: AdminAppealSchema },
      }),
    },
    async (req) => {
      await requireModerator(services, req);
      return desk.showAppeal(parseInput(AppealIdParamsSchema, req.params).appeal_id);
    },
  );

  app.post(
    '/appeals/:appeal_id/decide',
    {
      schema: routeDoc({
        summary: 'Decide an appeal (a person decides, with reasons)',
        tags: ['admin'],
        auth: 'moderator',
        params: AppealIdParamsSchema,
        body: DecideAppealRequestSchema,
        ok: { 200: AdminAppealSchema },
      }),
    },
    async (req) => {
      const actor = await requireModerator(services, req);
      const { appeal_id } = parseInput(AppealIdParamsSchema, req.params);
      return desk.decideAppeal(actor, appeal_id, parseInput(DecideAppealRequestSchema, req.body));
    },
  );

  app.post(
    '/appeals/:appeal_id/notes',
    {
      schema: routeDoc({
        summary: 'Add an internal note to an appeal',
        tags: ['admin'],
        auth: 'moderator',
        params: AppealIdParamsSchema,
        body: NoteRequestSchema,
        ok: { 201: NoteSchema },
      }),
    },
    async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { appeal_id } = parseInput(AppealIdParamsSchema, req.params);
      const { text } = parseInput(NoteRequestSchema, req.body);
      return reply.status(201).send(await desk.addNote(actor, 'appeal', appeal_id, text));
    },
  );
}
