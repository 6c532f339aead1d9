import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The page runs only our own external scripts and styles; no inline code, no eval, no framing. */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  // The service worker (/sw.js) and the sign-up proof-of-work worker are our own files; so is the manifest.
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** A chat app needs none of these powerful features; deny them so injected code cannot ask. */
export const WEB_PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
].join(', ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SERVICE_WORKER = '/sw.js';

/**
 * Serves the built web app (packages/web/dist) at `/`: hashed files under /assets/ cached for a
 * year, index.html revalidated every time and sent with a strict CSP, and every other GET that is
 * not an API path or a file answered with index.html so client-side routes survive a reload.
 * The service worker (/sw.js) and the manifest are revalidated every time too, so a new build
 * reaches installed apps at their next start; the worker gets the same CSP as the page.
 * Does nothing when `webDir` has no index.html (API-only deployments, tests without a build).
 */
export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  const root = resolve(webDir);
  if (!existsSync(join(root, 'index.html'))) return;

  // Encapsulated: the hooks below apply to these routes only, not to the API.
  await app.register(async (web) => {
    await web.register(fastifyStatic, {
      root,
      // One route per file found now (the build is fixed at start), so unknown paths reach our fallback.
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      dotfiles: 'ignore',
      serveDotFiles: false,
      redirect: false,
    });

    // Runs after the app-wide onSend hook, so these cache headers replace its `no-store` default.
    web.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode >= 400) return payload;
      const type = String(reply.getHeader('content-type') ?? '');
      const path = req.url.split('?')[0];
      if (path === SERVICE_WORKER) {
        reply.header('cache-control', 'no-cache');
        reply.header('content-security-policy', WEB_CONTENT_SECURITY_POLICY);
        // Its scope is the whole app; it sits at the root, so no Service-Worker-Allowed is needed.
      } else if (type.startsWith('text/html')) {
        reply.header('cache-control', 'no-cache');
        reply.header('content-security-policy', WEB_CONTENT_SECURITY_POLICY);
        reply.header('permissions-policy', WEB_PERMISSIONS_POLICY);
      } else if (req.url.startsWith('/assets/')) {
        reply.header('cache-control', IMMUTABLE);
      } else {
        reply.header('cache-control', 'no-cache');
      }
      return payload;
    });

    // SPA fallback. API paths and anything that looks like a file keep the normal 404, so a missing
    // script is never answered with HTML.
    // Hidden from the API description: it serves the web app's pages, not the API.
    web.get('/*', { schema: { hide: true } }, (req, reply) => {
      const path = req.url.split('?')[0] ?? '/';
      if (path === '/api' || path.startsWith('/api/') || /\.[A-Za-z0-9]+$/.test(path))
        return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  });
}
