import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RECONCILE_PAYMENTS_JOB, RECONCILIATION_QUEUE } from '../queues/queue-names';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from './reconciliation.options';

/**
 * Keeps the reconciliation Job Scheduler in Redis. Upserting is idempotent, so every process of
 * every role may do it at start; a changed interval simply replaces the old one.
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReconciliationScheduler');

  constructor(
    @InjectQueue(RECONCILIATION_QUEUE) private readonly queue: Queue,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queue.upsertJobScheduler(
        RECONCILE_PAYMENTS_JOB,
        { every: this.options.everyMs },
        {
          name: RECONCILE_PAYMENTS_JOB,
          data: {},
          // One run every 30 s: keep a short history, not every run forever.
          opts: { removeOnComplete: 100, removeOnFail: 100 },
        },
      );
    } catch (err) {
      this.logger.warn(
        `reconciliation not scheduled (Redis unavailable?): ${(err as Error).message}`,
      );
    }
  }
}
