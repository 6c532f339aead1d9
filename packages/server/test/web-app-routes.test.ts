import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@omechat/test-kit';
import { registerWebApp, WEB_CONTENT_SECURITY_POLICY } from '../src/http/web-app-routes.js';

const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));
// A private output dir: other test files may be serving packages/web/dist at the same time.
const webDir = mkdtempSync(join(tmpdir(), 'omechat-web-'));

let server: TestServer;
let assets: string[];

beforeAll(async () => {
  // A real production build of packages/web (vitest sets NODE_ENV=test, which would build React's dev bundle).
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: webRoot,
      configFile: join(webRoot, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: webDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = env;
  }
  assets = readdirSync(join(webDir, 'assets'));
  server = await startTestServer({ WEB_DIR: webDir });
}, 120_000);

afterAll(async () => {
  await server?.destroy();
});

async function get(path: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('web app routes', () => {
  it('serves index.html at / with a strict CSP, no caching and no inline script', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy');
    expect(csp).toBe(WEB_CONTENT_SECURITY_POLICY);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.text).toContain('<div id="root"></div>');

    // Only external module scripts, no inline <script> and no inline style attributes or blocks.
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/type="module"/);
      expect(attrs).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(res.text).not.toMatch(/<style\b|\sstyle=/);
  });

  it('serves hashed assets for a year, immutable', async () => {
    const js = assets.find((a) => /^index-[\w-]+\.js$/.test(a));
    const css = assets.find((a) => a.endsWith('.css'));
    expect(js).toBeDefined();
    expect(css).toBeDefined();
    const r1 = await get(`/assets/${js}`);
    expect(r1.status).toBe(200);
    expect(r1.headers.get('content-type')).toMatch(/javascript/);
    expect(r1.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(r1.headers.get('content-security-policy')).toBeNull();
    const r2 = await get(`/assets/${css}`);
    expect(r2.headers.get('content-type')).toMatch(/^text\/css/);
    expect(r2.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves the service worker and the manifest revalidated every time, the worker under the CSP', async () => {
    const sw = await get('/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);
    // The shell list names this build's hashed files; nothing of the API is ever cached.
    for (const a of assets) expect(sw.text).toContain(`/assets/${a}`);
    expect(sw.text).toMatch(/omechat-shell-[0-9a-f]{16}/);
    expect(sw.text).not.toContain('__OMECHAT_SHELL_');

    const manifest = await get('/manifest.webmanifest');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    const icons = (JSON.parse(manifest.text) as { icons: { src: string; type: string }[] }).icons;
    for (const icon of icons) {
      const png = await fetch(server.url + icon.src);
      expect(png.status, icon.src).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
    }

    const csp = WEB_CONTENT_SECURITY_POLICY;
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("manifest-src 'self'");
  });

  it('built code uses no eval and the bundle references no inline-script tricks', () => {
    for (const a of assets.filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(webDir, 'assets', a), 'utf8');
      expect(code).not.toMatch(/\beval\(/);
    }
  });

  it('falls back to index.html for client routes, but not for API paths or missing files', async () => {
    const index = await get('/');
    for (const path of ['/chats', '/chats/abc', '/settings?tab=devices']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.text).toBe(index.text);
    }
    const api = await get('/api/v1/no-such-route');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(api.text).error.code).toBe('ROUTE_NOT_FOUND');

    for (const path of ['/assets/index-missing.js', '/favicon.ico', '/../package.json', '/.env']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/application\/json/);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('answers HEAD and keeps the API and other methods working', async () => {
    const head = await fetch(server.url + '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);

    expect((await server.api('/healthz')).body).toEqual({ status: 'ok' });
    const acc = await server.api('/api/v1/accounts', {
      body: { username: 'web_user', age: 30, authenticator: 'a'.repeat(64) },
    });
    expect(acc.status).toBe(201);
    expect(acc.headers.get('cache-control')).toBe('no-store');
    expect(acc.headers.get('content-security-policy')).toBeNull();

    const post = await get('/chats', { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('registers nothing and logs nothing when the web dir does not exist', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'trace', stream: { write: (l: string) => void lines.push(l) } } });
    await registerWebApp(app, join(webRoot, 'no-such-dist'));
    await app.ready();
    expect(lines).toEqual([]);
    expect(app.hasRoute({ method: 'GET', url: '/*' })).toBe(false);
    expect(app.hasRoute({ method: 'GET', url: '/' })).toBe(false);
    expect((await app.inject({ url: '/' })).statusCode).toBe(404);
    await app.close();
  });
});
