import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Job } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { RECONCILE_PAYMENTS_JOB, RECONCILIATION_QUEUE } from '../queues/queue-names';
import { QueueWorkers, startQueueWorker } from '../queues/queue-worker';
import { ReconciliationRun, ReconciliationService } from './reconciliation.service';

/**
 * Runs reconciliation when the scheduler says so (ROLE worker or all). One run at a time per
 * process; runs in several processes are safe, since each claims its own payments. A failed run
 * loses nothing: the next scheduled run tries again.
 */
@Injectable()
export class ReconciliationWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReconciliationWorker');
  private worker?: QueueWorkers;

  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startQueueWorker(RECONCILIATION_QUEUE, (job) => this.process(job), this.config, {
      concurrency: 1,
      metrics: this.metrics,
      logger: this.logger,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job): Promise<ReconciliationRun | undefined> {
    if (job.name !== RECONCILE_PAYMENTS_JOB) {
      this.logger.warn(`no handler for job ${job.name} on ${RECONCILIATION_QUEUE}`);
      return undefined;
    }
    return this.reconciliation.runOnce();
  }
}
