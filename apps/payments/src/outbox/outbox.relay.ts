import { Inject, Injectable, Logger } from '@nestjs/common';
import { OutboxRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { DatabaseRounds } from '../common/database-round';
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
export class OutboxRelay extends DatabaseRounds {
  private readonly logger = new Logger('OutboxRelay');

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatchers: OutboxDispatch,
    database: DatabaseWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(database);
  }

  protected everyMs(): number {
    return this.config.outboxRelayEveryMs;
  }

  protected async round(): Promise<void> {
    const n = await this.relayOnce();
    if (n > 0) this.logger.log(`relayed ${n} queued job(s) to Redis`);
  }

  /** One relay round; returns how many jobs reached the queue. */
  async relayOnce(): Promise<number> {
    return this.outbox.relay(100, LEFT_TO_ITS_REQUEST_MS, (job) => this.dispatchers.dispatch(job));
  }
}
