import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisWatch } from '../common/dependency-watch';
import { KeptJobSchedule, PeriodicJob } from '../queues/job-scheduler';
import { RECONCILE_PAYMENTS_JOB, RECONCILIATION_QUEUE } from '../queues/queue-names';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from './reconciliation.options';

/**
 * Keeps the reconciliation Job Scheduler in Redis, from every process of every role (a changed
 * interval simply replaces the old one).
 */
@Injectable()
export class ReconciliationSchedule extends KeptJobSchedule {
  constructor(
    @InjectQueue(RECONCILIATION_QUEUE) private readonly queue: Queue,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
    redis: RedisWatch,
  ) {
    super(redis);
  }

  protected periodicJob(): PeriodicJob {
    return { queue: this.queue, name: RECONCILE_PAYMENTS_JOB, everyMs: this.options.everyMs };
  }
}
