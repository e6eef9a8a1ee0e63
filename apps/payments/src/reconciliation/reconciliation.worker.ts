import { Inject, Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { MetricsService } from '../metrics/metrics.service';
import { RECONCILE_PAYMENTS_JOB, RECONCILIATION_QUEUE } from '../queues/queue-names';
import { QueueWorkerHost, QueueWorkerSpec } from '../queues/queue-worker';
import { ReconciliationRun, ReconciliationService } from './reconciliation.service';

/**
 * Runs reconciliation when the scheduler says so (ROLE worker or all). One run at a time per
 * process; runs in several processes are safe, since each claims its own payments. A failed run
 * loses nothing: the next scheduled run tries again.
 */
@Injectable()
export class ReconciliationWorker extends QueueWorkerHost {
  constructor(
    private readonly reconciliation: ReconciliationService,
    metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
    redis: RedisWatch,
  ) {
    super(metrics, config, redis);
  }

  protected workerSpec(): QueueWorkerSpec {
    return { queue: RECONCILIATION_QUEUE, concurrency: 1, handle: (job) => this.process(job) };
  }

  async process(job: Job): Promise<ReconciliationRun | undefined> {
    if (job.name !== RECONCILE_PAYMENTS_JOB) {
      this.logger.warn(`no handler for job ${job.name} on ${RECONCILIATION_QUEUE}`);
      return undefined;
    }
    return this.reconciliation.runOnce();
  }
}
