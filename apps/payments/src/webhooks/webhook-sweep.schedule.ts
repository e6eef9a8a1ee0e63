import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { KeptJobSchedule, PeriodicJob } from '../queues/job-scheduler';
import { WEBHOOK_SWEEP_JOB } from '../queues/queue-names';
import { WebhookQueue } from './webhook-queue';

/** Keeps the webhook sweeper's Job Scheduler on the webhook queue (where its workers run). */
@Injectable()
export class WebhookSweepSchedule extends KeptJobSchedule {
  constructor(
    private readonly queue: WebhookQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    redis: RedisWatch,
  ) {
    super(redis);
  }

  protected periodicJob(): PeriodicJob {
    return {
      queue: this.queue.queue,
      name: WEBHOOK_SWEEP_JOB,
      everyMs: this.config.webhooks.sweepEveryMs,
    };
  }
}
