import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  BulkDismissRequestSchema,
  BulkDismissResponseSchema,
  NoteRequestSchema,
  NoteSchema,
  parseInput,
  ReportDetailSchema,
  ReportIdParamsSchema,
  ReportListSchema,
  ReportsQuerySchema,
  ResolveReportRequestSchema,
  ResolveReportResponseSchema,
  NetworkBanRequestSchema,
  NetworkBanIdParamsSchema,
  NetworkBanViewSchema,
  LiftNetworkBanRequestSchema,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { requireModerator } from './require-moderator.js';
import { routeDoc } from './route-doc.js';

/** Reports (list, detail, resolve, dismiss, notes) and network bans. Part of the admin API (admin-routes.ts). */
export function registerAdminReportRoutes(app: FastifyInstance, services: Services): void {
  const desk = services.moderation;
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
}
