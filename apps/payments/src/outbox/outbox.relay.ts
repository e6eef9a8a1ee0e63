import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { OutboxRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { DatabaseWatch } from '../common/dependency-watch';
import { ENQUEUE_TIMEOUT_MS } from '../queues/deadline';
import { OutboxDispatch } from './outbox-dispatch';

/**
 * A row this young may still be in the hands of the request that wrote it (enqueue, then mark).
 * Relaying it would only send its job twice (a no-op) and lock the row that request is marking.
 */
const LEFT_TO_ITS_REQUEST_MS = ENQUEUE_TIMEOUT_MS + 3_000;

/**
 * Enqueues jobs whose rows are committed but which never reached Redis (it was down, or the
 * process died between commit and enqueue), each through its queue's dispatcher. Several
 * processes may run it: rows are locked while relayed, and job ids are deterministic.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatchers: OutboxDispatch,
    private readonly database: DatabaseWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.outboxRelayEveryMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One relay round; returns how many jobs reached the queue. */
  async relayOnce(): Promise<number> {
    return this.outbox.relay(100, LEFT_TO_ITS_REQUEST_MS, (job) => this.dispatchers.dispatch(job));
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.relayOnce()
      .then((n) => {
        // Each round reads PostgreSQL: the heartbeat that says it is back after an outage.
        this.database.recovered();
        if (n > 0) this.logger.log(`relayed ${n} queued job(s) to Redis`);
      })
      .catch((err: Error) => this.database.failed(err))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
