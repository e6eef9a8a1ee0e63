import { Injectable } from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
import { MetricsService } from '../metrics/metrics.service';
import { withTimeout } from '../queues/deadline';
import { WebhookEndpoints } from './webhook-endpoints.service';

const BACKLOG_TIMEOUT_MS = 1_000;

/**
 * At each /metrics scrape, per configured endpoint: pending deliveries, the age of the oldest
 * one's event (0 when none wait), and whether it is disabled. A failed read drops the gauges
 * rather than show stale numbers.
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
    const { pending, oldestPending, endpointDisabled } = this.metrics.webhooks;
    try {
      const [stats, states] = await withTimeout(
        Promise.all([this.events.pendingStats(), this.endpoints.states()]),
        BACKLOG_TIMEOUT_MS,
        'PostgreSQL',
      );
      const byEndpoint = new Map(stats.map((s) => [s.endpointId, s]));
      for (const { endpoint, disabledReason } of states) {
        const endpointLabel = { endpoint: endpoint.id };
        pending.set(endpointLabel, byEndpoint.get(endpoint.id)?.pending ?? 0);
        oldestPending.set(
          endpointLabel,
          Math.round(byEndpoint.get(endpoint.id)?.oldestSeconds ?? 0),
        );
        endpointDisabled.set(endpointLabel, disabledReason ? 1 : 0);
      }
    } catch {
      pending.reset();
      oldestPending.reset();
      endpointDisabled.reset();
    }
  }
}
