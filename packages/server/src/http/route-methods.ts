import type { FastifyInstance } from 'fastify';

/**
 * The methods each registered path pattern answers, so a known path asked with another method gets
 * METHOD_NOT_ALLOWED (405, with `Allow`) instead of ROUTE_NOT_FOUND. Registered before the routes
 * (it listens to `onRoute`); wildcard routes (the web app's fallback) and the WebSocket path are
 * left out: they answer anything else with 404.
 */
export class RouteMethods {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  constructor(app: FastifyInstance, skip: readonly string[] = []) {
    app.addHook('onRoute', (route) => {
      const url = route.url ?? route.path;
      if (!url || url.includes('*') || skip.includes(url)) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const source = url
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      const existing = this.routes.find((r) => r.pattern.source === `^${source}/?$`);
      if (existing) for (const m of methods) existing.methods.add(m);
      else this.routes.push({ pattern: new RegExp(`^${source}/?$`), methods: new Set(methods) });
    });
  }

  /** The methods a path answers (empty when no route has this path). */
  allowed(path: string): string[] {
    const out = new Set<string>();
    for (const r of this.routes) if (r.pattern.test(path)) for (const m of r.methods) out.add(m);
    return [...out].sort();
  }
}
