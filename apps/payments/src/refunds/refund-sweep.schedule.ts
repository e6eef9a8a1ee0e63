import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { KeptJobSchedule, PeriodicJob } from '../queues/job-scheduler';
import { REFUND_SWEEP_JOB } from '../queues/queue-names';
import { RefundQueue } from './refund-queue';

/** Keeps the refund sweeper's Job Scheduler on the refunds queue (where refund workers run). */
@Injectable()
export class RefundSweepSchedule extends KeptJobSchedule {
  constructor(
    private readonly queue: RefundQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    redis: RedisWatch,
  ) {
    super(redis);
  }

  protected periodicJob(): PeriodicJob {
    return {
      queue: this.queue.queue,
      name: REFUND_SWEEP_JOB,
      everyMs: this.config.refundSweepEveryMs,
    };
  }
}
