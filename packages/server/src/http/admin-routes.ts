import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AccountParamsSchema,
  AccountSummarySchema,
  AddModeratorRequestSchema,
  AddModeratorResponseSchema,
  AdminAppealSchema,
  AppealIdParamsSchema,
  AppealListSchema,
  AppealsQuerySchema,
  AuditListSchema,
  AuditQuerySchema,
  BanRequestSchema,
  BanResponseSchema,
  BulkDismissRequestSchema,
  BulkDismissResponseSchema,
  DecideAppealRequestSchema,
  ModeratorListSchema,
  ModeratorParamsSchema,
  NoteRequestSchema,
  NoteSchema,
  OmeChatError,
  parseInput,
  ReportDetailSchema,
  ReportIdParamsSchema,
  ReportListSchema,
  ReportsQuerySchema,
  ResolveReportRequestSchema,
  ResolveReportResponseSchema,
  UnbanRequestSchema,
  UnbanResponseSchema,
  NetworkBanRequestSchema,
  NetworkBanIdParamsSchema,
  NetworkBanViewSchema,
  LiftNetworkBanRequestSchema,
} from '@omechat/protocol';
import type { Actor } from '../core/moderation/audit-log.js';
import type { Services } from '../services.js';
import { routeDoc } from './route-doc.js';

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
    app.get(
      '/reports',
      {
        schema: routeDoc({
          summary: 'List reports (open ones by severity, then age)',
          tags: ['admin'],
          auth: 'moderator',
          querystring: ReportsQuerySchema,
          ok: { 200: ReportListSchema },
        }),
      },
      async (req) => {
        await requireModerator(services, req);
        return { reports: await desk.listReports(parseInput(ReportsQuerySchema, req.query ?? {})) };
      },
    );

    app.get(
      '/reports/:report_id',
      {
        schema: routeDoc({
          summary: 'One report with its verified evidence and notes',
          tags: ['admin'],
          auth: 'moderator',
          params: ReportIdParamsSchema,
          ok: { 200: ReportDetailSchema },
        }),
      },
      async (req) => {
        await requireModerator(services, req);
        return desk.showReport(parseInput(ReportIdParamsSchema, req.params).report_id);
      },
    );

    app.post(
      '/reports/:report_id/resolve',
      {
        schema: routeDoc({
          summary: 'Resolve a report: dismiss, warn, restrict or ban, with a statement of reasons',
          tags: ['admin'],
          auth: 'moderator',
          params: ReportIdParamsSchema,
          body: ResolveReportRequestSchema,
          ok: { 200: ResolveReportResponseSchema },
        }),
      },
      async (req) => {
        const actor = await requireModerator(services, req);
        const { report_id } = parseInput(ReportIdParamsSchema, req.params);
        return desk.resolveReport(actor, report_id, parseInput(ResolveReportRequestSchema, req.body));
      },
    );

    app.post(
      '/reports/dismiss',
      {
        schema: routeDoc({
          summary: 'Dismiss a flood of reports at once',
          tags: ['admin'],
          auth: 'moderator',
          body: BulkDismissRequestSchema,
          ok: { 200: BulkDismissResponseSchema },
        }),
      },
      async (req) => {
        const actor = await requireModerator(services, req);
        return desk.bulkDismiss(actor, parseInput(BulkDismissRequestSchema, req.body));
      },
    );

    app.post(
      '/reports/:report_id/notes',
      {
        schema: routeDoc({
          summary: 'Add an internal note to a report',
          tags: ['admin'],
          auth: 'moderator',
          params: ReportIdParamsSchema,
          body: NoteRequestSchema,
          ok: { 201: NoteSchema },
        }),
      },
      async (req, reply) => {
        const actor = await requireModerator(services, req);
        const { report_id } = parseInput(ReportIdParamsSchema, req.params);
        const { text } = parseInput(NoteRequestSchema, req.body);
        return reply.status(201).send(await desk.addNote(actor, 'report', report_id, text));
      },
    );

    // Network bans (RAM only, at most 72 h), placed from a report: docs/moderation.md.
    app.post(
      '/reports/:report_id/network-ban',
      {
        schema: routeDoc({
          summary: 'Ban, for at most 72 h, the network the reported account last used',
          tags: ['admin'],
          auth: 'moderator',
          params: ReportIdParamsSchema,
          body: NetworkBanRequestSchema,
          ok: { 201: z.object({ ban: NetworkBanViewSchema }) },
        }),
      },
      async (req, reply) => {
        const actor = await requireModerator(services, req);
        const { report_id } = parseInput(ReportIdParamsSchema, req.params);
        const body = parseInput(NetworkBanRequestSchema, req.body);
        return reply
          .status(201)
          .send({ ban: await services.networkBans.banFromReport(actor, report_id, body) });
      },
    );

    app.get(
      '/network-bans',
      {
        schema: routeDoc({
          summary: 'Network bans in force (never the network itself)',
          tags: ['admin'],
          auth: 'moderator',
          ok: { 200: z.object({ bans: z.array(NetworkBanViewSchema) }) },
        }),
      },
      async (req) => {
        await requireModerator(services, req);
        return { bans: await services.networkBans.list() };
      },
    );

    app.post(
      '/network-bans/:ban_id/lift',
      {
        schema: routeDoc({
          summary: 'Lift a network ban',
          tags: ['admin'],
          auth: 'moderator',
          params: NetworkBanIdParamsSchema,
          body: LiftNetworkBanRequestSchema,
          ok: { 204: null },
        }),
      },
      async (req, reply) => {
        const actor = await requireModerator(services, req);
        const { ban_id } = parseInput(NetworkBanIdParamsSchema, req.params);
        await services.networkBans.lift(
          actor,
          ban_id,
          parseInput(LiftNetworkBanRequestSchema, req.body).reason,
        );
        return reply.status(204).send();
      },
    );

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
  };
}
