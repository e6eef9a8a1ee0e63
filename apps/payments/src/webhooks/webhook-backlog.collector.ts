import { Injectable } from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
import { MetricsService } from '../metrics/metrics.service';
import { withTimeout } from '../queues/deadline';
import { WebhookEndpoints } from './webhook-endpoints.service';

const BACKLOG_TIMEOUT_MS = 1_000;

/**
 * At each /metrics scrape, per configured endpoint: pending deliveries and the age of the oldest
 * one's event (0 when none wait). A failed read drops the gauges rather than show stale numbers.
 */
@Injectable()
export class WebhookBacklogCollector {
  constructor(
    private readonly events: EventsRepository,
    private readonly endpoints: WebhookEndpoints,
    private readonly metrics: MetricsService,
  ) {
    metrics.beforeScrape(() => this.collect());
  }

  async collect(): Promise<void> {
    const { pending, oldestPending } = this.metrics.webhooks;
    try {
      const stats = await withTimeout(this.events.pendingStats(), BACKLOG_TIMEOUT_MS, 'PostgreSQL');
      const byEndpoint = new Map(stats.map((s) => [s.endpointId, s]));
      for (const { id } of this.endpoints.all()) {
        pending.set({ endpoint: id }, byEndpoint.get(id)?.pending ?? 0);
        oldestPending.set({ endpoint: id }, Math.round(byEndpoint.get(id)?.oldestSeconds ?? 0));
      }
    } catch {
      pending.reset();
      oldestPending.reset();
    }
  }
}
