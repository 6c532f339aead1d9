import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.js';
import { registerAdminAccountRoutes } from './admin-account-routes.js';
import { registerAdminModeratorRoutes } from './admin-moderator-routes.js';
import { registerAdminReportRoutes } from './admin-report-routes.js';

/**
 * The moderators' admin API under /api/v1/admin (docs/protocol.md, docs/moderation.md). Every route
 * starts with `requireModerator` (require-moderator.ts): a user's token never passes.
 */
export function adminRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    registerAdminReportRoutes(app, services);
    registerAdminAccountRoutes(app, services);
    registerAdminModeratorRoutes(app, services);
  };
}
