import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
import { DatabaseRounds } from '../common/database-round';
import { DatabaseWatch, RedisWatch } from '../common/dependency-watch';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { WebhookEndpoints } from '../webhooks/webhook-endpoints.service';
import { WebhookQueue } from '../webhooks/webhook-queue';
import { EventBodies } from './event-body';

/** Events taken per round; a full round is followed by another at once (a backlog drains). */
const BATCH = 500;

/**
 * Turns committed events into deliveries, in the order the catch-up API reads them (only below
 * the oldest open transaction, so none that commits late is passed over): each event's body kept,
 * one pending delivery per endpoint that takes its type, the relay's place moved, in one
 * transaction; then the deliveries' first attempts into Redis (lost ones are the sweeper's).
 * Every role runs it; one process at a time does a round (an advisory lock).
 */
@Injectable()
export class EventRelay extends DatabaseRounds {
  private readonly logger = new Logger('EventRelay');

  constructor(
    private readonly events: EventsRepository,
    private readonly bodies: EventBodies,
    private readonly endpoints: WebhookEndpoints,
    private readonly queue: WebhookQueue,
    private readonly metrics: MetricsService,
    database: DatabaseWatch,
    private readonly redis: RedisWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(database);
  }

  protected everyMs(): number {
    return this.config.webhooks.relayEveryMs;
  }

  protected round(): Promise<number> {
    return this.relayAll();
  }

  /** Relays until no full round is left; answers how many events it relayed. */
  async relayAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayOnce();
      total += n;
      if (n < BATCH) return total;
    }
  }

  private async relayOnce(): Promise<number> {
    const round = await this.events.relay(
      BATCH,
      (event) => this.bodies.render(event),
      (type) => this.endpoints.takers(type),
    );
    if (!round) return 0;
    for (const event of round.events) this.metrics.webhooks.events.inc({ type: event.type });
    try {
      await this.queue.add(round.deliveries);
    } catch (err) {
      this.redis.failed(err as Error);
      this.logger.debug(`${round.deliveries.length} deliveries left to the sweeper`);
    }
    return round.events.length;
  }
}
