import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { keepJobScheduled } from '../queues/job-scheduler';
import { RECONCILE_PAYMENTS_JOB, RECONCILIATION_QUEUE } from '../queues/queue-names';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from './reconciliation.options';

/**
 * Keeps the reconciliation Job Scheduler in Redis, from every process of every role (a changed
 * interval simply replaces the old one).
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReconciliationScheduler');
  private stopSchedule?: () => void;

  constructor(
    @InjectQueue(RECONCILIATION_QUEUE) private readonly queue: Queue,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSchedule = keepJobScheduled(
      this.queue,
      RECONCILE_PAYMENTS_JOB,
      this.options.everyMs,
      {
        name: RECONCILE_PAYMENTS_JOB,
        data: {},
        // One run every 30 s: keep a short history, not every run forever.
        opts: { removeOnComplete: 100, removeOnFail: 100 },
      },
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.stopSchedule?.();
  }
}
