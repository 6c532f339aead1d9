import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from '@omechat/test-kit';

interface Operation {
  summary?: string;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses?: Record<string, unknown>;
  security?: unknown[];
}
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

let server: TestServer;
let doc: OpenApi;
beforeAll(async () => {
  server = await startTestServer();
  const res = await server.api('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body as OpenApi;
});
afterAll(async () => {
  await server?.destroy();
});

/** fastify's `/clients/:client_hash` is OpenAPI's `/clients/{client_hash}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('OpenAPI description (/api/v1/openapi.json)', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route the server answers, with a summary, its success and its refusals', () => {
    const routes = server.routes.filter((r) => !r.hidden && r.method !== 'HEAD' && r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(25);
    const missing: string[] = [];
    for (const r of routes) {
      const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
      if (!op?.summary || !op.responses || !op.responses['4XX'] || Object.keys(op.responses).length < 3)
        missing.push(
          `${r.method} ${r.url}: add \`schema: routeDoc({summary, tags, auth, body?, params?, ok})\` (http/route-doc.ts)`,
        );
    }
    expect(missing).toEqual([]);
  });

  it("hides only the WebSocket upgrade (docs/protocol.md) and the web app's pages", () => {
    const hidden = server.routes.filter((r) => r.hidden && r.method !== 'HEAD');
    const hiddenApi = hidden.filter((r) => ['/api', '/healthz', '/metrics'].some((p) => r.url.startsWith(p)));
    expect(hiddenApi.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/v1/ws']);
  });

  it('carries the request schemas and the auth each route needs', () => {
    const signUp = doc.paths['/api/v1/accounts']!.post!;
    const body = JSON.stringify(signUp.requestBody?.content['application/json']?.schema);
    expect(body).toContain('username');
    expect(signUp.security).toEqual([]);
    expect(doc.paths['/api/v1/clients']!.get!.security).toEqual([{ clientToken: [] }]);
    expect(doc.paths['/api/v1/admin/reports']!.get!.security).toEqual([{ moderatorToken: [] }]);
    // A refusal is described by the catalogue: its codes are listed.
    expect(JSON.stringify(signUp.responses!['4XX'])).toContain('USERNAME_TAKEN');
  });
});
