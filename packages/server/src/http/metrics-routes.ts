import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Services } from '../services.js';
import type { SocketStats } from '../ws/client-socket.js';
import type { UnauthenticatedSockets } from '../ws/unauthenticated-sockets.js';
import { z } from 'zod';
import { registerModerationMetrics } from './moderation-metrics.js';
import { routeDoc } from './route-doc.js';

/**
 * `GET /metrics` in Prometheus text format (opt-in with METRICS_ENABLED): counts only, never an id,
 * name or address. Values are read from the services when scraped, so the hot path pays nothing.
 */
export function registerMetrics(
  app: FastifyInstance,
  services: Services,
  ws: { sockets: SocketStats; pending: UnauthenticatedSockets },
): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { relay, hub, matches } = services;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  gauge('omechat_connections', 'Authenticated WebSocket connections on this node', () => hub.size);
  gauge(
    'omechat_unauthenticated_sockets',
    'WebSocket connections on this node that have not signed in yet',
    () => ws.pending.size,
  );
  gauge('omechat_waiting_users', 'Users waiting in the matching queue', () => matches.queue.size);
  gauge('omechat_block_cache_bytes', 'Bytes held by the message-block RAM cache', () => relay.cache.bytes);
  gauge('omechat_block_cache_blocks', 'Message blocks held by the RAM cache', () => relay.cache.size);
  counter(
    'omechat_block_cache_hits_total',
    'Reads served from a cached message block',
    () => relay.cache.hits,
  );
  counter('omechat_block_cache_misses_total', 'Reads that had to go to the store', () => relay.cache.misses);
  counter('omechat_envelopes_relayed_total', 'Envelopes accepted from senders', () => relay.stats.relayed);
  counter(
    'omechat_envelopes_delivered_live_total',
    'Envelopes pushed to a connected device at once',
    () => relay.stats.delivered,
  );
  counter(
    'omechat_envelopes_stored_total',
    'Envelopes written to the store for later delivery',
    () => relay.stats.stored,
  );
  counter(
    'omechat_slow_consumers_closed_total',
    'Connections closed for not reading (each connection once)',
    () => ws.sockets.slowConsumersClosed,
  );

  registerModerationMetrics(registry, services.moderation);

  app.get(
    '/metrics',
    {
      schema: routeDoc({
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['meta'],
        auth: 'none',
        ok: { 200: z.string() },
      }),
    },
    async (_req, reply) => {
      void reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
}
