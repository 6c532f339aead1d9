import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ErrorResponseSchema } from '@omechat/protocol';

/** Who may call a route: anyone, a signed-in client (user token), or a moderator (never a user token). */
export type RouteAuth = 'none' | 'client' | 'moderator';

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: RouteAuth;
  body?: z.ZodType;
  params?: z.ZodType;
  querystring?: z.ZodType;
  /** Success responses by status; `null` for one without a body (204). */
  ok: Record<number, z.ZodType | null>;
}

export const SECURITY_SCHEMES = {
  clientToken: {
    type: 'http',
    scheme: 'bearer',
    description: '`<client_hash>.<access_token>` of a signed-in client (POST /api/v1/clients)',
  },
  moderatorToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'a moderator token (`omechat admin moderators add NAME`); never a user token',
  },
} as const;

/**
 * The OpenAPI description of one route, from the protocol's zod schemas. Description only: each
 * handler still parses its own input with `parseInput`, so a refusal is a catalogue code
 * (docs/errors.md) and never a framework validation message; build-http-app installs pass-through
 * validator and serializer compilers for these schemas.
 */
export function routeDoc(doc: RouteDoc): FastifySchema {
  const response: Record<string, z.ZodType> = {};
  for (const [status, schema] of Object.entries(doc.ok))
    response[status] = schema ?? z.null().describe('No content');
  response['4xx'] = ErrorResponseSchema.describe('Refused: a code of the error catalogue');
  response['5xx'] = ErrorResponseSchema.describe('Server error or busy (SERVICE_BUSY, INTERNAL)');
  const schema: FastifySchema & Record<string, unknown> = {
    summary: doc.summary,
    tags: [...doc.tags],
    security: doc.auth === 'none' ? [] : [{ [doc.auth === 'client' ? 'clientToken' : 'moderatorToken']: [] }],
    response,
  };
  if (doc.description) schema.description = doc.description;
  if (doc.body) schema.body = doc.body;
  if (doc.params) schema.params = doc.params;
  if (doc.querystring) schema.querystring = doc.querystring;
  return schema;
}
