import { z } from 'zod';

/**
 * In a browser, zod must use its interpreter: when it builds an object schema it probes
 * `new Function("")` to pick a compiled parser, and under the web app's Content-Security-Policy
 * (no 'unsafe-eval') that probe is refused and reported as a CSP violation. The choice is made when
 * a schema is created, so this module is imported first by index.ts, before any schema exists.
 * Node (the server) keeps the faster compiled parsers.
 */
if (typeof (globalThis as { document?: unknown }).document !== 'undefined') z.config({ jitless: true });
