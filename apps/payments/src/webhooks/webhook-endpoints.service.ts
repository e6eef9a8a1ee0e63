import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import type { WebhookEndpoint } from '../config/webhook-endpoints';

/** What is known of a configured endpoint now: disabled or not, and why. */
export interface EndpointState {
  endpoint: WebhookEndpoint;
  disabledReason: string | null;
}

/**
 * The configured endpoints, and their state as PostgreSQL keeps it (read where it is used, never
 * cached: a 410 one process met, or an operator's enable another process served, holds for all).
 * Endpoints are recorded at start; one whose URL changed starts enabled again.
 */
@Injectable()
export class WebhookEndpoints implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookEndpoints');
  private readonly byId: Map<string, WebhookEndpoint>;

  constructor(
    private readonly events: EventsRepository,
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

  /** Every configured endpoint with its state now. */
  async states(): Promise<EndpointState[]> {
    const disabled = new Map(
      (await this.events.disabledEndpoints()).map((d) => [d.id, d.disabledReason]),
    );
    return this.all().map((endpoint) => ({
      endpoint,
      disabledReason: disabled.get(endpoint.id) ?? null,
    }));
  }

  /** The ids of the enabled endpoints now. */
  async enabledIds(): Promise<string[]> {
    return (await this.states()).filter((s) => !s.disabledReason).map((s) => s.endpoint.id);
  }

  async disable(id: string, reason: string): Promise<void> {
    await this.events.disableEndpoint(id, reason);
    this.logger.warn({ endpointId: id, reason }, 'webhook endpoint disabled');
  }

  async enable(id: string): Promise<void> {
    await this.events.enableEndpoint(id);
    this.logger.log({ endpointId: id }, 'webhook endpoint enabled');
  }
}
