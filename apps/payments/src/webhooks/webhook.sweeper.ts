import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventsRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookQueue } from './webhook-queue';

/** A pending delivery this far past its time may have lost its job (half a sweep at most). */
const OVERDUE_MS = 30_000;
const BATCH = 500;
const MAX_BATCHES = 100;
const SIDE_BY_SIDE = 50;

/**
 * Gives every overdue pending delivery to an enabled endpoint a live job again (Redis flushed or
 * restarted without persistence, a worker killed between recording an attempt and adding the
 * next, an endpoint enabled again), and forgets events past EVENT_RETENTION_DAYS. Runs on the
 * webhook queue's schedule.
 */
@Injectable()
export class WebhookSweeper {
  private readonly logger = new Logger('WebhookSweeper');

  constructor(
    private readonly events: EventsRepository,
    private readonly endpoints: WebhookEndpoints,
    private readonly queue: WebhookQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweepOnce(now = Date.now()): Promise<{ looked: number; added: number; forgotten: number }> {
    const enabled = await this.endpoints.enabledIds();
    const grace = Math.min(OVERDUE_MS, this.config.webhooks.sweepEveryMs / 2);
    let looked = 0;
    let added = 0;
    // A backlog (an endpoint enabled again) goes in one run, a batch at a time, checked side by side.
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const overdue = await this.events.overdue(enabled, new Date(now - grace), BATCH, looked);
      looked += overdue.length;
      for (let i = 0; i < overdue.length; i += SIDE_BY_SIDE) {
        const actions = await Promise.all(
          overdue.slice(i, i + SIDE_BY_SIDE).map((d) => this.queue.ensureJob(d)),
        );
        added += actions.filter((a) => a === 'added').length;
      }
      if (overdue.length < BATCH) break;
    }
    if (added > 0) this.logger.log({ added }, 'overdue webhook deliveries given a job again');
    const forgotten = await this.events.forgetOlderThan(
      new Date(now - this.config.eventRetentionDays * 86_400_000),
      1_000,
    );
    return { looked, added, forgotten };
  }
}
