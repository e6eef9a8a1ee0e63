import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
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
export class EventRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly events: EventsRepository,
    private readonly bodies: EventBodies,
    private readonly endpoints: WebhookEndpoints,
    private readonly queue: WebhookQueue,
    private readonly metrics: MetricsService,
    private readonly database: DatabaseWatch,
    private readonly redis: RedisWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.webhooks.relayEveryMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
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

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.relayAll()
      .then(() => this.database.recovered())
      .catch((err: Error) => this.database.failed(err))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
