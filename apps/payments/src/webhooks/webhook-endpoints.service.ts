import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import type { WebhookEndpoint } from '../config/webhook-endpoints';
import { MetricsService } from '../metrics/metrics.service';

/**
 * The configured endpoints and which of them are disabled (kept in PostgreSQL: every process
 * sees a 410 one of them met). Endpoints are recorded at start; one whose URL changed starts
 * enabled again.
 */
@Injectable()
export class WebhookEndpoints implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookEndpoints');
  private readonly byId: Map<string, WebhookEndpoint>;
  private disabled = new Set<string>();

  constructor(
    private readonly events: EventsRepository,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.byId = new Map(config.webhooks.endpoints.map((e) => [e.id, e]));
  }

  async onApplicationBootstrap(): Promise<void> {
    const disabled = await this.events.syncEndpoints(
      [...this.byId.values()].map(({ id, url }) => ({ id, url })),
    );
    for (const { id, disabledReason } of disabled)
      this.logger.warn(
        { endpointId: id, reason: disabledReason },
        'webhook endpoint disabled: its deliveries wait until it is enabled (POST /v1/webhook-endpoints/:id/enable)',
      );
    this.showDisabled(disabled.map((d) => d.id));
  }

  all(): WebhookEndpoint[] {
    return [...this.byId.values()];
  }

  get(id: string): WebhookEndpoint | undefined {
    return this.byId.get(id);
  }

  /** The ids of the endpoints that take events of `type`. */
  takers(type: string): string[] {
    return this.all()
      .filter((e) => e.takes(type))
      .map((e) => e.id);
  }

  isDisabled(id: string): boolean {
    return this.disabled.has(id);
  }

  /** The ids of the enabled endpoints, as PostgreSQL has them now. */
  async enabledIds(): Promise<string[]> {
    await this.refresh();
    return this.all()
      .map((e) => e.id)
      .filter((id) => !this.disabled.has(id));
  }

  async disable(id: string, reason: string): Promise<void> {
    await this.events.disableEndpoint(id, reason);
    this.disabled.add(id);
    this.metrics.webhooks.endpointDisabled.set({ endpoint: id }, 1);
    this.logger.warn({ endpointId: id, reason }, 'webhook endpoint disabled');
  }

  async enable(id: string): Promise<void> {
    await this.events.enableEndpoint(id);
    this.disabled.delete(id);
    this.metrics.webhooks.endpointDisabled.set({ endpoint: id }, 0);
    this.logger.log({ endpointId: id }, 'webhook endpoint enabled');
  }

  /** What PostgreSQL says is disabled (another process may have disabled or enabled one). */
  async refresh(): Promise<void> {
    const disabled = await this.events.disabledEndpoints();
    this.showDisabled(disabled.map((d) => d.id));
  }

  private showDisabled(ids: string[]): void {
    this.disabled = new Set(ids.filter((id) => this.byId.has(id)));
    for (const id of this.byId.keys())
      this.metrics.webhooks.endpointDisabled.set({ endpoint: id }, this.disabled.has(id) ? 1 : 0);
  }
}
