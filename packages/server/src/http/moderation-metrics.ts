import { Counter, Gauge, type Registry } from 'prom-client';
import { REPORT_REASON_CODES } from '@omechat/protocol';
import type { ModerationService } from '../core/moderation/moderation-service.js';

/**
 * Moderation metrics, read from the store when scraped (so decisions made by the CLI or another
 * node count too): open reports by reason, the age of the oldest open report, and per resolution
 * the number of resolved reports and the summed time to resolution (rate(seconds)/rate(count) is
 * the mean time to resolution over any window).
 */
export function registerModerationMetrics(registry: Registry, moderation: ModerationService): void {
  new Gauge({
    name: 'omechat_reports_open',
    help: 'Open reports by reason',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      const counts = new Map((await moderation.stats()).open.map((r) => [r.reason, r.count]));
      for (const reason of REPORT_REASON_CODES) this.set({ reason }, counts.get(reason) ?? 0);
    },
  });
  new Gauge({
    name: 'omechat_report_oldest_open_seconds',
    help: 'Age of the oldest open report (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await moderation.stats()).oldestOpenMs / 1000);
    },
  });
  const totals = async () => (await moderation.stats()).totals;
  new Counter({
    name: 'omechat_reports_resolved_total',
    help: 'Resolved reports by resolution (dismiss, warn, restrict, ban, expired)',
    labelNames: ['resolution'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await totals()) this.inc({ resolution: t.resolution }, t.count);
    },
  });
  new Counter({
    name: 'omechat_report_resolution_seconds_total',
    help: 'Summed time from report to resolution, by resolution',
    labelNames: ['resolution'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await totals()) this.inc({ resolution: t.resolution }, t.total_ms / 1000);
    },
  });
}
