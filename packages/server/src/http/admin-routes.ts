import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  AccountParamsSchema,
  AddModeratorRequestSchema,
  AppealIdParamsSchema,
  AppealsQuerySchema,
  AuditQuerySchema,
  BanRequestSchema,
  BulkDismissRequestSchema,
  DecideAppealRequestSchema,
  ModeratorParamsSchema,
  NoteRequestSchema,
  OmeChatError,
  ReportIdParamsSchema,
  ReportsQuerySchema,
  ResolveReportRequestSchema,
  UnbanRequestSchema,
  parseInput,
} from '@omechat/protocol';
import type { Actor } from '../core/moderation/audit-log.js';
import type { Services } from '../services.js';

const MODERATOR_BEARER = /^Bearer (m[0-9a-f]{32}\.[A-Za-z0-9]{64})$/;

/** `Authorization: Bearer <moderator token>`; a user's access token never passes. */
async function requireModerator(services: Services, req: FastifyRequest): Promise<Actor> {
  const m = MODERATOR_BEARER.exec(req.headers.authorization ?? '');
  if (!m) throw new OmeChatError('UNAUTHENTICATED');
  return services.moderators.authenticate(m[1]!);
}

/** The moderators' admin API under /api/v1/admin (docs/protocol.md, docs/moderation.md). */
export function adminRoutes(services: Services): FastifyPluginAsync {
  const desk = services.moderation;
  return async (app) => {
    app.get('/reports', async (req) => {
      await requireModerator(services, req);
      return { reports: await desk.listReports(parseInput(ReportsQuerySchema, req.query ?? {})) };
    });

    app.get('/reports/:report_id', async (req) => {
      await requireModerator(services, req);
      return desk.showReport(parseInput(ReportIdParamsSchema, req.params).report_id);
    });

    app.post('/reports/:report_id/resolve', async (req) => {
      const actor = await requireModerator(services, req);
      const { report_id } = parseInput(ReportIdParamsSchema, req.params);
      return desk.resolveReport(actor, report_id, parseInput(ResolveReportRequestSchema, req.body));
    });

    app.post('/reports/dismiss', async (req) => {
      const actor = await requireModerator(services, req);
      return desk.bulkDismiss(actor, parseInput(BulkDismissRequestSchema, req.body));
    });

    app.post('/reports/:report_id/notes', async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { report_id } = parseInput(ReportIdParamsSchema, req.params);
      const { text } = parseInput(NoteRequestSchema, req.body);
      return reply.status(201).send(await desk.addNote(actor, 'report', report_id, text));
    });

    app.get('/accounts/:user_hash', async (req) => {
      await requireModerator(services, req);
      return desk.account(parseInput(AccountParamsSchema, req.params).user_hash);
    });

    app.post('/accounts/:user_hash/ban', async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { user_hash } = parseInput(AccountParamsSchema, req.params);
      const strike = await desk.ban(actor, user_hash, parseInput(BanRequestSchema, req.body));
      return reply.status(201).send({ strike });
    });

    app.post('/accounts/:user_hash/unban', async (req) => {
      const actor = await requireModerator(services, req);
      const { user_hash } = parseInput(AccountParamsSchema, req.params);
      return desk.unban(actor, user_hash, parseInput(UnbanRequestSchema, req.body).statement);
    });

    app.get('/appeals', async (req) => {
      await requireModerator(services, req);
      return { appeals: await desk.listAppeals(parseInput(AppealsQuerySchema, req.query ?? {})) };
    });

    app.get('/appeals/:appeal_id', async (req) => {
      await requireModerator(services, req);
      return desk.showAppeal(parseInput(AppealIdParamsSchema, req.params).appeal_id);
    });

    app.post('/appeals/:appeal_id/decide', async (req) => {
      const actor = await requireModerator(services, req);
      const { appeal_id } = parseInput(AppealIdParamsSchema, req.params);
      return desk.decideAppeal(actor, appeal_id, parseInput(DecideAppealRequestSchema, req.body));
    });

    app.post('/appeals/:appeal_id/notes', async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { appeal_id } = parseInput(AppealIdParamsSchema, req.params);
      const { text } = parseInput(NoteRequestSchema, req.body);
      return reply.status(201).send(await desk.addNote(actor, 'appeal', appeal_id, text));
    });

    app.get('/moderators', async (req) => {
      await requireModerator(services, req);
      return { moderators: await services.moderators.list() };
    });

    app.post('/moderators', async (req, reply) => {
      const actor = await requireModerator(services, req);
      const { name } = parseInput(AddModeratorRequestSchema, req.body);
      return reply.status(201).send(await services.moderators.add(actor, name));
    });

    app.delete('/moderators/:name', async (req, reply) => {
      const actor = await requireModerator(services, req);
      await services.moderators.remove(actor, parseInput(ModeratorParamsSchema, req.params).name);
      return reply.status(204).send();
    });

    app.get('/audit', async (req) => {
      await requireModerator(services, req);
      return { entries: await desk.listAudit(parseInput(AuditQuerySchema, req.query ?? {})) };
    });
  };
}
