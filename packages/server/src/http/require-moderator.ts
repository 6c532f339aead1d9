import type { FastifyRequest } from 'fastify';
import { OmeChatError } from '@omechat/protocol';
import type { Actor } from '../core/moderation/audit-log.js';
import type { Services } from '../services.js';

const MODERATOR_BEARER = /^Bearer (m[0-9a-f]{32}\.[A-Za-z0-9]{64})$/;

/** `Authorization: Bearer <moderator token>`; a user's access token never passes. */
export async function requireModerator(services: Services, req: FastifyRequest): Promise<Actor> {
  const m = MODERATOR_BEARER.exec(req.headers.authorization ?? '');
  if (!m) throw new OmeChatError('UNAUTHENTICATED');
  return services.moderators.authenticate(m[1]!);
}
